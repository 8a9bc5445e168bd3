import { kickEventDispatch } from "./dispatch";
import { rollupIngestedEvents } from "./rollup";

/**
 * What follows a committed ingest, in the background: the Inngest hand-off and the rollups. Both read the
 * ingest log, so a crash before they run only delays them; a sweep picks up whatever is left.
 */
const globalForRollup = globalThis as unknown as { cairnRollupTimer?: NodeJS.Timeout; cairnRollupRunning?: boolean; cairnRollupAgain?: boolean };
const ROLLUP_SWEEP_MS = 1_000;

async function rollupUntilCaughtUp(): Promise<void> {
  if (globalForRollup.cairnRollupRunning) {
    globalForRollup.cairnRollupAgain = true;
    return;
  }
  globalForRollup.cairnRollupRunning = true;
  try {
    do {
      globalForRollup.cairnRollupAgain = false;
      while ((await rollupIngestedEvents()).batches > 0) {
        // drain
      }
    } while (globalForRollup.cairnRollupAgain);
  } catch (error) {
    console.error("[cairn] event rollup failed; will retry", error);
  } finally {
    globalForRollup.cairnRollupRunning = false;
  }
}

export function afterIngest(): void {
  // Tests run these steps themselves, at the moments they choose.
  if (process.env.CAIRN_BACKGROUND_JOBS === "off") return;
  kickEventDispatch();
  setImmediate(() => void rollupUntilCaughtUp());
  if (!globalForRollup.cairnRollupTimer) {
    globalForRollup.cairnRollupTimer = setInterval(() => void rollupUntilCaughtUp(), ROLLUP_SWEEP_MS);
    globalForRollup.cairnRollupTimer.unref();
  }
}
