import { requirePermission, type WorkspaceContext } from "../auth/context";
import { AppError, type FieldIssue } from "../errors";
import { unverifiedIdentifyError, type UnverifiedMessage } from "../messaging/identity-verification";
import { afterIngest } from "./after-ingest";
import { normalizeMessage } from "./normalize";
import { parsePayloadMessages, type RejectedMessage } from "./parse-payload";
import { recordRejectedEvents } from "./rejected-events";
import type { MessageType, TSegmentMessage } from "./schemas";
import { INGEST_LIMITS } from "./limits";
import { storeBatch, TraitLimitExceeded, type StoreResult } from "./store-batch";
import { systemClock, type Clock } from "../runtime/clock";

/** A message the request carried that was not stored: its index, its first problem, and every problem. */
export interface RejectedEntry {
  index: number;
  path: string;
  reason: string;
  fields: FieldIssue[];
}

export interface IngestResult extends StoreResult {
  rejected: RejectedEntry[];
}

export interface IngestOptions {
  /** the API key's prefix, kept with rejected messages so the sender can be told apart */
  keyPrefix?: string | null;
  /** messages identity verification refused (lib/messaging/identity-verification.ts) */
  unverified?: UnverifiedMessage[];
}

/**
 * The ingestion API's one domain function: validate each message, store the valid ones in one write, keep
 * the rejected ones for a week (./rejected-events.ts), then hand the new events on to Inngest. One bad
 * message no longer costs the others (Segment's libraries drop a batch answered with a 400): the answer is
 * 200 with the rejected messages listed, and 400 only when nothing in the request could be stored. What
 * concerns the request as a whole (size, JSON, the batch envelope) is still refused whole by parsePayloadMessages.
 */
export async function ingest(
  ctx: WorkspaceContext,
  body: string,
  endpoint: MessageType | "batch",
  clock: Clock = systemClock,
  options: IngestOptions = {},
): Promise<IngestResult> {
  requirePermission(ctx, "ingest");
  const receivedAt = clock();
  const parsed = parsePayloadMessages(body, endpoint, receivedAt);
  const received = parsed.messages.length + parsed.rejected.length;
  const rejected = new Map<number, RejectedMessage>(parsed.rejected.map((r) => [r.index, r]));
  const reject = (index: number, raw: unknown, issue: FieldIssue) => {
    const known = rejected.get(index);
    if (known) known.reasons.push(issue);
    else rejected.set(index, { index, reasons: [issue], raw });
  };

  const unverified = new Map((options.unverified ?? []).map((u) => [u.index, u]));
  let pending: { index: number; raw: unknown; message: TSegmentMessage }[] = [];
  parsed.messages.forEach((message, k) => {
    const index = parsed.indexes[k];
    const failed = unverified.get(index);
    if (failed) reject(index, parsed.raws[k], { path: failed.path, message: failed.message });
    else pending.push({ index, raw: parsed.raws[k], message });
  });
  for (const u of unverified.values())
    if (rejected.has(u.index) && !rejected.get(u.index)!.reasons.some((r) => r.path === u.path))
      reject(u.index, null, { path: u.path, message: u.message });

  let result: StoreResult = { received, stored: 0, duplicates: 0, eventIds: [] };
  let events = pending.map((p) => normalizeMessage(p.message, receivedAt));
  while (events.length) {
    try {
      result = { ...(await storeBatch(ctx.workspace.id, events)), received };
      break;
    } catch (error) {
      // The profile trait cap fails the whole statement: reject that profile's identifies and store the rest.
      if (!(error instanceof TraitLimitExceeded)) throw error;
      const drop = new Set(error.indexes);
      for (const k of drop) {
        const p = pending[k];
        reject(p.index, p.raw, {
          path: endpoint === "batch" ? `batch.${p.index}.traits` : "traits",
          message: `would give the profile more than ${INGEST_LIMITS.maxTraitsPerProfile} traits, the limit; this message was not stored`,
        });
      }
      pending = pending.filter((_, k) => !drop.has(k));
      events = events.filter((_, k) => !drop.has(k));
    }
  }

  const all = [...rejected.values()].sort((a, b) => a.index - b.index);
  if (all.length) {
    await recordRejectedEvents(
      ctx.workspace.id,
      all.map((r) => ({ batchIndex: r.index, reasons: r.reasons, raw: r.raw })),
      { source: "api", keyPrefix: options.keyPrefix ?? null, endpoint, receivedAt },
    );
  }
  if (!pending.length && all.length) {
    // nothing could be stored: a refusal naming every problem (identity verification keeps its 401/403)
    const verificationOnly = all.every((r) =>
      r.reasons.every((issue) => [...unverified.values()].some((u) => u.index === r.index && u.path === issue.path)),
    );
    if (verificationOnly) throw unverifiedIdentifyError([...unverified.values()]);
    throw AppError.validationAsBadRequest(all.flatMap((r) => r.reasons));
  }
  if (result.stored) afterIngest();
  return {
    ...result,
    received,
    duplicates: result.duplicates,
    rejected: all.map((r) => ({
      index: r.index,
      path: r.reasons[0]?.path ?? "",
      reason: r.reasons[0]?.message ?? "",
      fields: r.reasons,
    })),
  };
}
