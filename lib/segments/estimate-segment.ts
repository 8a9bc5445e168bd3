import type { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { pgPool } from "../db/pool";
import { parseInput } from "../errors";
import { isoOrNull } from "../events/instant";
import { checkDefinitionReferences } from "./check-references";
import { compilePredicate } from "./evaluate";
import { loadSegments } from "./membership";
import { ZEstimateSegment } from "./segment-schemas";
import { countMatchesWithin } from "./store/estimate";
import { countSurvivingProfiles, selectProfilesByRecency } from "./store/profiles";

export interface EstimateResult {
  /** matching people: exact, or estimated from a random sample of profiles when counting all would take too long */
  size: number;
  exact: boolean;
  /** surviving profiles in the workspace */
  total: number;
  /** up to 10 matching people, most recently seen first */
  /** lastSeenAt: null when the stored instant is not representable (lib/events/instant.ts) */
  sample: { id: string; userId: string | null; email: string | null; lastSeenAt: string | null }[];
  tookMs: number;
}

/** Up to this many profiles, the estimate counts everyone; above, it counts a random sample first. */
export const EXACT_COUNT_LIMIT = 25_000;

/**
 * The builder's estimate for an unsaved definition, within `budgetMs` (default 2 s): an exact count when the
 * workspace is small enough, else a sample's count scaled up, then an exact count if time is left.
 */
export async function estimateSegment(
  ctx: WorkspaceContext,
  input: z.input<typeof ZEstimateSegment>,
  options: { now?: Date; budgetMs?: number } = {},
): Promise<EstimateResult> {
  requirePermission(ctx, "workspace:read");
  const { definition, segmentId } = parseInput(ZEstimateSegment, input);
  const started = performance.now();
  const budgetMs = options.budgetMs ?? 2_000;
  const now = options.now ?? new Date();
  const workspaceId = ctx.workspace.id;
  const client = await pgPool().connect();
  try {
    const segments = await loadSegments(client, workspaceId);
    await checkDefinitionReferences(client, workspaceId, definition, segments, segmentId);
    const compiled = compilePredicate(definition, { workspaceId, now, segments });
    const total = await countSurvivingProfiles(client, workspaceId);
    const left = () => Math.max(50, Math.round(budgetMs - (performance.now() - started)));
    let size = 0;
    let exact = false;
    let ids: string[] = [];
    if (total <= EXACT_COUNT_LIMIT) {
      const all = await countMatchesWithin(client, compiled, null, left());
      if (all) {
        size = all.matched;
        exact = true;
        ids = all.ids ?? [];
      }
    }
    if (!exact) {
      const percent = Math.min(100, (100 * EXACT_COUNT_LIMIT) / Math.max(1, total));
      const sampled = await countMatchesWithin(client, compiled, percent, left());
      if (sampled && sampled.seen > 0) {
        size = Math.round((sampled.matched * total) / sampled.seen);
        ids = sampled.ids ?? [];
      }
      // Time left: count everyone.
      if (performance.now() - started < budgetMs / 3) {
        const all = await countMatchesWithin(client, compiled, null, left());
        if (all) {
          size = all.matched;
          exact = true;
          ids = all.ids ?? ids;
        }
      }
    }
    const sample = await selectProfilesByRecency(client, ids.slice(0, 10));
    return {
      size,
      exact,
      total,
      sample: sample.map((r) => ({ ...r, lastSeenAt: isoOrNull(r.lastSeenAt) })),
      tookMs: Math.round(performance.now() - started),
    };
  } finally {
    client.release();
  }
}
