import { createHash } from "node:crypto";
import { EVENT_INGESTED, inngest, isInngestConfigured, type EventIngestedData } from "@/lib/jobs";
import { pgPool } from "../db/pool";
import { backgroundDrain } from "../runtime/background-drain";
import { markDispatched, recordDispatchFailure, selectPendingDispatches } from "./store/event-dispatch";

/**
 * Hands ingested events to Inngest as `cairn/event.ingested`, from the EventDispatch outbox that the
 * ingest transaction writes. The pending rows a read finds become one Inngest event per workspace (up to
 * MAX_EVENTS_PER_HANDOFF events each), so the hand-off batches itself by load: a row that arrives alone goes
 * alone, at once, and rows that piled up while the previous send was under way go together, as one
 * process-event run. On one machine each run costs a fixed share (the executor's claim, the call to the app,
 * each statement's round trip) that ten events do not pay off and a hundred do; one run per ingest request
 * was what let a backlog outgrow the engine (bench:engine).
 *
 * The event's id names its rows, and Inngest drops a second event with the same id, so a crash between
 * sending and marking the rows sent cannot deliver them twice; a re-read that finds more rows pending names a
 * different set and some events go to process-event twice, which changes nothing (every part of it is safe
 * to repeat). Rows stay pending while no Inngest (cloud, self-hosted, or the embedded executor) is
 * configured, and are sent once one is.
 */
export interface EventSender {
  send(events: { id: string; name: string; data: EventIngestedData }[]): Promise<unknown>;
}

export async function dispatchPendingEvents(
  sender: EventSender,
  limit = 200,
): Promise<{ dispatched: number; failed: boolean }> {
  // No transaction is held while sending: on the embedded database a transaction has the database to
  // itself, and the embedded executor must write the events it receives before it answers. Two
  // dispatchers that pick the same rows send the same event ids, and Inngest keeps the first.
  const pool = pgPool();
  const rows = await selectPendingDispatches(pool, limit);
  if (!rows.length) return { dispatched: 0, failed: false };
  const ids = rows.map((r) => r.id);
  try {
    await sender.send(
      handOffsOf(rows).map((h) => ({
        id: h.id,
        name: EVENT_INGESTED,
        data: { workspaceId: h.workspaceId, eventIds: h.eventIds },
      })),
    );
  } catch (error) {
    await recordDispatchFailure(pool, ids, String((error as Error).message ?? error));
    return { dispatched: 0, failed: true };
  }
  await markDispatched(pool, ids);
  return { dispatched: rows.length, failed: false };
}

/** The most events one cairn/event.ingested carries: a run's time grows with its batch. */
export const MAX_EVENTS_PER_HANDOFF = 1_000;

interface PendingRow {
  id: string;
  workspaceId: string;
  eventIds: string[];
}

/**
 * The pending rows (in id order) as hand-offs: per workspace, consecutive rows together up to
 * MAX_EVENTS_PER_HANDOFF events (a row is never split). A lone row keeps the id it always had
 * (`cairn-dispatch-<row>`); several are named by their first and last row and a digest of all of them.
 */
export function handOffsOf(rows: PendingRow[]): { id: string; workspaceId: string; eventIds: string[] }[] {
  const groups: PendingRow[][] = [];
  const open = new Map<string, PendingRow[]>();
  const size = (group: PendingRow[]) => group.reduce((n, r) => n + r.eventIds.length, 0);
  for (const row of rows) {
    const group = open.get(row.workspaceId);
    if (group && size(group) + row.eventIds.length <= MAX_EVENTS_PER_HANDOFF) {
      group.push(row);
      continue;
    }
    const fresh = [row];
    groups.push(fresh);
    open.set(row.workspaceId, fresh);
  }
  return groups.map((group) => ({
    id:
      group.length === 1
        ? `cairn-dispatch-${group[0].id}`
        : `cairn-dispatch-${group[0].id}-${group[group.length - 1].id}-${createHash("sha256")
            .update(group.map((r) => r.id).join(","))
            .digest("hex")
            .slice(0, 16)}`,
    workspaceId: group[0].workspaceId,
    eventIds: group.flatMap((r) => r.eventIds),
  }));
}

const DISPATCH_BATCH = 200;
const dispatcher = backgroundDrain(
  "event dispatch",
  async () => {
    // Round again only after a full batch: a kick that arrives meanwhile makes the drain go round anyway,
    // so a partial batch means the log was empty when it was read.
    const { dispatched, failed } = await dispatchPendingEvents(inngest as unknown as EventSender, DISPATCH_BATCH);
    return !failed && dispatched >= DISPATCH_BATCH;
  },
  5_000,
);

/** Send now, and keep sweeping for rows a crash or an outage left behind. */
export function kickEventDispatch(): void {
  if (isInngestConfigured()) dispatcher.kick();
}
