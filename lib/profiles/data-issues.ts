/**
 * What is wrong with a profile's contact data, as ingestion last saw it (Profile.dataIssues): the value
 * as sent (the trait keeps it too) and why Cairn cannot use it. Set by the statement that stores events
 * (lib/ingest/store/events.ts, run by store-batch.ts) when an identify or a message's context brings an unusable value, cleared
 * when a usable one arrives; shown on the profile page, and named by delivery when it suppresses a message.
 *
 * An email address is usable when it has the shape delivery sends to (lib/messaging/delivery.ts: something,
 * "@", something, no spaces); a time zone when the runtime's clock knows it (lib/engine/time.ts); until
 * then the profile's local times are computed in UTC.
 */
export const DATA_ISSUE_REASONS = {
  email: "not a valid email address",
  timezone: "unknown time zone, using UTC",
} as const;

export interface DataIssue {
  value: unknown;
  reason: string;
}

export type DataIssues = Partial<Record<keyof typeof DATA_ISSUE_REASONS, DataIssue>>;

/** Profile.dataIssues as read from the database (JSON), keeping only well-formed entries. */
export function readDataIssues(json: unknown): DataIssues {
  const out: DataIssues = {};
  if (!json || typeof json !== "object" || Array.isArray(json)) return out;
  for (const key of Object.keys(DATA_ISSUE_REASONS) as (keyof typeof DATA_ISSUE_REASONS)[]) {
    const entry = (json as Record<string, unknown>)[key];
    if (entry && typeof entry === "object" && typeof (entry as DataIssue).reason === "string")
      out[key] = { value: (entry as DataIssue).value, reason: (entry as DataIssue).reason };
  }
  return out;
}
