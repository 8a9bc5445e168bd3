import { requirePermission, type WorkspaceContext } from "../auth/context";
import { AppError } from "../errors";
import { afterIngest } from "./after-ingest";
import { normalizeMessage } from "./normalize";
import { parsePayload } from "./parse-payload";
import type { MessageType } from "./schemas";
import { INGEST_LIMITS } from "./limits";
import { storeBatch, TraitLimitExceeded, type StoreResult } from "./store-batch";
import { systemClock, type Clock } from "../runtime/clock";

/**
 * The ingestion API's one domain function: validate the whole payload (nothing is stored if any message
 * is invalid), store it in one transaction, then hand the new events on to Inngest.
 */
export async function ingest(ctx: WorkspaceContext, body: string, endpoint: MessageType | "batch", clock: Clock = systemClock): Promise<StoreResult> {
  requirePermission(ctx, "ingest");
  const receivedAt = clock();
  const messages = parsePayload(body, endpoint, receivedAt);
  const result = await storeBatch(ctx.workspace.id, messages.map((m) => normalizeMessage(m, receivedAt))).catch((error: unknown) => {
    if (!(error instanceof TraitLimitExceeded)) throw error;
    const path = endpoint === "batch" ? `batch.${error.index}.traits` : "traits";
    throw AppError.validationAsBadRequest([{ path, message: `would give the profile more than ${INGEST_LIMITS.maxTraitsPerProfile} traits, the limit; nothing was stored` }]);
  });
  if (result.stored) afterIngest();
  return result;
}
