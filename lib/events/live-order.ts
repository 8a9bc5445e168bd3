/**
 * The live feed's order and the times it shows, kept in agreement: newest RECEIVED first, with the received
 * time as the row's time. An event's own timestamp (when it happened, as the sender says) can be far from
 * when Cairn received it (a phone that was offline, a backfill, a wrong clock): showing it as the row's time
 * while ordering by arrival made the list look shuffled. The event's own time is shown beside the received
 * time, labelled, when the two differ by more than a minute.
 *
 * Pure and free of server imports: the page's server code and the polling client component both use it.
 */

/** Beyond this, the event's own time is shown beside the received time. */
export const OWN_TIME_SHOWN_AFTER_MS = 60_000;

interface Ordered {
  id: string;
  receivedAt: string | null;
}

const at = (iso: string | null) => {
  const t = iso === null ? NaN : Date.parse(iso);
  return Number.isFinite(t) ? t : -Infinity;
};

/** Newest received first; among equal received times (one request's events), the later stored first. */
export function newestReceivedFirst<T extends Ordered>(events: readonly T[]): T[] {
  return [...events].sort((a, b) => at(b.receivedAt) - at(a.receivedAt) || compareIds(b.id, a.id));
}

/** Event ids are bigints as strings: compare them as numbers. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** The largest id of a non-empty list: where the next poll continues from. */
export function newestId(events: readonly Ordered[]): string | null {
  return events.reduce<string | null>((max, e) => (max === null || compareIds(e.id, max) > 0 ? e.id : max), null);
}

export interface LiveEventTimes {
  /** the row's time: when Cairn received the event */
  received: string | null;
  /** the event's own timestamp, only when it differs from `received` by more than a minute */
  own: string | null;
  /** how far the event's own time is from the received time, e.g. "35 min earlier" */
  ownOffset: string | null;
}

export function liveEventTimes(event: { receivedAt: string | null; timestamp: string | null }): LiveEventTimes {
  const received = at(event.receivedAt);
  const own = at(event.timestamp);
  if (!Number.isFinite(received) || !Number.isFinite(own) || Math.abs(own - received) <= OWN_TIME_SHOWN_AFTER_MS) {
    return { received: event.receivedAt, own: null, ownOffset: null };
  }
  return {
    received: event.receivedAt,
    own: event.timestamp,
    ownOffset: `${span(Math.abs(own - received))} ${own < received ? "earlier" : "later"}`,
  };
}

function span(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 6) / 10;
  if (hours < 48) return `${hours} h`;
  return `${Math.round(hours / 24)} days`;
}
