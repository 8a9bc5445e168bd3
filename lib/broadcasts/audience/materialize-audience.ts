import "server-only";
import { z } from "zod";
import { withTransaction } from "../../db/pool";
import { AppError } from "../../errors";
import { type AssignmentPlan, type AudiencePhase, decideFor } from "./assign";
import { recipientZone, sendMomentIn } from "./local-send-time";
import {
  type AudienceBroadcast,
  insertBroadcastMessages,
  insertHoldouts,
  lockBroadcastForAudience,
  recordAudienceProgress,
  selectAudienceChunk,
} from "./store/audience";

/**
 * Turns a sending broadcast's audience into QUEUED messages, a chunk of profile ids at a time. Each chunk is one
 * transaction that locks the broadcast, reads the next ids after its cursor, decides each person (assign.ts),
 * writes the holdouts and the messages in one statement each and moves the cursor. A crash between chunks loses
 * nothing (the cursor moved with the rows); a chunk read again creates nothing twice (the holdout's key and the
 * message's idempotency key `b:<broadcastId>:<profileId>`).
 */

export const DEFAULT_CHUNK_SIZE = 5000;
const MAX_CHUNK_SIZE = 50_000;

export interface ChunkResult {
  /** messages created by this chunk */
  created: number;
  /** people recorded as held out by this chunk */
  heldOut: number;
  /** the audience has been read to its end (in this phase) */
  done: boolean;
  /** why nothing was read: the broadcast does not exist, or is not SENDING (draft, paused, cancelled, sent) */
  skipped?: "not_found" | "not_sending";
}

const ZVariants = z.array(z.object({ key: z.string(), templateId: z.string(), weight: z.number() }).loose()).min(1);

export async function materializeNextChunk(
  broadcastId: string,
  now: Date,
  chunkSize = DEFAULT_CHUNK_SIZE,
): Promise<ChunkResult> {
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE)
    throw AppError.field("chunkSize", `must be a whole number from 1 to ${MAX_CHUNK_SIZE}`);
  return withTransaction(async (tx) => {
    const broadcast = await lockBroadcastForAudience(tx, broadcastId);
    if (!broadcast) return { created: 0, heldOut: 0, done: true, skipped: "not_found" };
    // Only while sending: a paused broadcast waits for resume, a cancelled one must not grow.
    if (broadcast.status !== "SENDING")
      return { created: 0, heldOut: 0, done: broadcast.audienceDone, skipped: "not_sending" };
    if (broadcast.audienceDone) return { created: 0, heldOut: 0, done: true };

    const parsedVariants = ZVariants.safeParse(broadcast.variants);
    if (!parsedVariants.success)
      throw new Error(`broadcast ${broadcastId} has no readable variants: ${parsedVariants.error.issues[0]?.message}`);
    const variants = parsedVariants.data;
    const phase = phaseOf(broadcast);
    const plan: AssignmentPlan = {
      broadcastId,
      holdoutPercent: broadcast.holdoutPercent,
      testPercent: broadcast.testPercent,
      variants,
    };
    if (phase === "rest" && !variants.some((v) => v.key === broadcast.winnerVariant))
      throw new Error(`broadcast ${broadcastId}: the winner "${broadcast.winnerVariant}" is not one of its variants`);

    const candidates = broadcast.segmentIds.length
      ? await selectAudienceChunk(tx, {
          workspaceId: broadcast.workspaceId,
          segmentIds: broadcast.segmentIds,
          excludedSegmentIds: broadcast.excludedSegmentIds,
          after: broadcast.audienceCursor,
          limit: chunkSize,
        })
      : [];

    const variantIndex = new Map(variants.map((v, i) => [v.key, i + 1]));
    const sendAfterOf = sendAfterFor(broadcast);
    const holdouts: string[] = [];
    const profileIds: string[] = [];
    const variantIndexes: number[] = [];
    const sendAfter: (string | null)[] = [];
    for (const candidate of candidates) {
      if (!candidate.eligible) continue;
      const decision = decideFor(plan, phase, broadcast.winnerVariant, candidate.id);
      if (decision.kind === "holdout") holdouts.push(candidate.id);
      else if (decision.kind === "message") {
        profileIds.push(candidate.id);
        variantIndexes.push(variantIndex.get(decision.variant) as number);
        sendAfter.push(sendAfterOf(candidate.timezone));
      }
    }

    const heldOut = holdouts.length
      ? await insertHoldouts(tx, { broadcastId, workspaceId: broadcast.workspaceId, profileIds: holdouts, at: now })
      : 0;
    const created = profileIds.length
      ? await insertBroadcastMessages(tx, {
          workspaceId: broadcast.workspaceId,
          broadcastId,
          channel: broadcast.channel,
          context: { broadcast: { id: broadcastId, name: broadcast.name } },
          now,
          variantKeys: variants.map((v) => v.key),
          templateIds: variants.map((v) => v.templateId),
          profileIds,
          variantIndexes,
          sendAfter,
        })
      : 0;
    const done = candidates.length < chunkSize;
    await recordAudienceProgress(tx, {
      broadcastId,
      cursor: candidates.at(-1)?.id ?? null,
      created,
      heldOut,
      done,
      now,
    });
    return { created, heldOut, done };
  });
}

/**
 * The broadcast's phase. A broadcast with a test whose phase was never set is in its test phase: sending the
 * variants to everyone would leave nobody for the winner.
 */
function phaseOf(broadcast: AudienceBroadcast): AudiencePhase {
  if (broadcast.phase === "test" || broadcast.phase === "rest") return broadcast.phase;
  if (broadcast.phase != null) throw new Error(`broadcast ${broadcast.id} has an unknown phase "${broadcast.phase}"`);
  return broadcast.testPercent != null ? "test" : null;
}

/**
 * When a person's message may go: at once for "now" and "at" (the broadcast starts at its moment), at the local
 * time in the person's zone for "local" (the broadcast's zone when theirs is unknown). One computation per zone.
 */
function sendAfterFor(broadcast: AudienceBroadcast): (zone: string | null) => string | null {
  if (broadcast.scheduleKind !== "local") return () => null;
  const { localDate, localTime } = broadcast;
  if (!localDate || !localTime)
    throw new Error(`broadcast ${broadcast.id} is scheduled at a local time without its date and time`);
  const byZone = new Map<string | null, string>();
  return (zone) => {
    let moment = byZone.get(zone);
    if (moment === undefined) {
      moment = sendMomentIn(recipientZone(zone, broadcast.timezone), localDate, localTime).toISOString();
      byZone.set(zone, moment);
    }
    return moment;
  };
}
