import type { z } from "zod";
import { actorLabel, requirePermission, type WorkspaceContext } from "../auth/context";
import { recordAudit } from "../audit/audit-log";
import { db } from "../db/client";
import { withTransaction } from "../db/pool";
import { parseInput } from "../errors";
import { checkDefinitionReferences } from "./check-references";
import { getSegment } from "./get-segment";
import { loadSegments, refreshReferences } from "./membership";
import { ZCreateSegment } from "./segment-schemas";
import type { SegmentDetail } from "./segment-views";
import { startRecompute } from "./start-recompute";
import { insertSegment } from "./store/segments";

/** Creates a segment (a dynamic one is then computed for everyone in the background) and records it in the audit log. */
export async function createSegment(
  ctx: WorkspaceContext,
  input: z.input<typeof ZCreateSegment>,
): Promise<SegmentDetail> {
  requirePermission(ctx, "content:write");
  const { name, description, kind, definition } = parseInput(ZCreateSegment, input);
  const label = actorLabel(ctx.actor);
  const id = await withTransaction(async (client) => {
    if (definition)
      await checkDefinitionReferences(
        client,
        ctx.workspace.id,
        definition,
        await loadSegments(client, ctx.workspace.id),
      );
    const id = await insertSegment(client, {
      workspaceId: ctx.workspace.id,
      name,
      description,
      kind,
      definition,
      label,
      recomputeStatus: kind === "dynamic" ? "queued" : "idle",
    });
    await refreshReferences(client, ctx.workspace.id);
    return id;
  });
  await db().$transaction((tx) =>
    recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "segment.created",
      targetType: "segment",
      targetId: id,
      summary: `Created the ${kind} segment "${name}"`,
    }),
  );
  if (kind === "dynamic") await startRecompute([id]);
  return getSegment(ctx, id);
}
