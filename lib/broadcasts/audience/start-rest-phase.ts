import "server-only";
import { z } from "zod";
import { withTransaction } from "../../db/pool";
import { AppError } from "../../errors";
import { lockBroadcastForAudience, recordRestPhase } from "./store/audience";

/**
 * After a winner test: the winning variant goes to everyone who is neither held out nor in the test group. The
 * audience is read again from its start by the same chunks (materialize-audience.ts), which now create the
 * winner's messages. Called by the winner decision; a second call once the rest phase began changes nothing.
 */
export async function startRestPhase(
  broadcastId: string,
  winnerVariant: string,
  now: Date,
): Promise<{ started: boolean }> {
  return withTransaction(async (tx) => {
    const broadcast = await lockBroadcastForAudience(tx, broadcastId);
    if (!broadcast) throw new AppError("not_found", "This broadcast does not exist.");
    if (broadcast.phase === "rest") return { started: false };
    if (broadcast.testPercent == null)
      throw new AppError("conflict", "This broadcast has no winner test, so it has no rest to send to.");
    if (broadcast.status !== "SENDING" && broadcast.status !== "PAUSED")
      throw new AppError("conflict", `This broadcast is ${broadcast.status.toLowerCase()}; the winner is not sent.`);
    const keys = z
      .array(z.object({ key: z.string() }).loose())
      .parse(broadcast.variants)
      .map((v) => v.key);
    if (!keys.includes(winnerVariant))
      throw AppError.field("winnerVariant", `must be one of the broadcast's variants (${keys.join(", ")})`);
    await recordRestPhase(tx, { broadcastId, winnerVariant, now });
    return { started: true };
  });
}
