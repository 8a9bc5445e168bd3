import { backgroundDrain } from "../runtime/background-drain";
import { systemClock } from "../runtime/clock";
import { kickEventDispatch } from "./dispatch";
import { deleteExpiredRejectedEvents } from "./rejected-events";
import { rollupIngestedEvents } from "./rollup";

/**
 * What follows a committed ingest, in the background: the Inngest hand-off and the rollups. Both read the
 * ingest log, so a crash before they run only delays them; a sweep picks up whatever is left.
 */
const ROLLUP_BATCHES = 100;
// The catalog can be half a second behind: the rollup runs at most twice a second over whatever arrived,
// and goes round again at once only while it finds full batches.
const rollup = backgroundDrain(
  "event rollup",
  async () => (await rollupIngestedEvents(ROLLUP_BATCHES)).batches >= ROLLUP_BATCHES,
  1_000,
  500,
);

export function afterIngest(): void {
  // Tests run these steps themselves, at the moments they choose.
  if (process.env.CAIRN_BACKGROUND_JOBS === "off") return;
  kickEventDispatch();
  rollup.kick();
}

/**
 * The ingest log's owner from the moment the server starts (instrumentation.ts), not from its next ingest:
 * rows a crash or a restart left pending (acknowledged to the sender, not yet handed to Inngest, not yet
 * rolled up) are sent now, and each job's sweep (every 5 s for the hand-off, every second for the rollup)
 * runs from then on, whether or not anyone sends events. Sending twice is harmless: a hand-off's event id
 * names its rows, and Inngest keeps the first.
 */
export function startIngestSweeps(): void {
  afterIngest();
  if (process.env.CAIRN_BACKGROUND_JOBS !== "off") rejectedRetention.kick();
}

// Rejected messages are kept REJECTED_EVENT_DAYS (./rejected-events.ts): deleted at start and every hour after.
const rejectedRetention = backgroundDrain(
  "rejected event retention",
  async () => {
    await deleteExpiredRejectedEvents(systemClock);
    return false;
  },
  60 * 60 * 1000,
);
