import type { FieldIssue } from "../errors";
import { pgPool } from "../db/pool";
import type { Clock } from "../runtime/clock";
import { INGEST_LIMITS } from "./limits";
import { deleteRejectedEventsBefore, insertRejectedEvents } from "./store/rejected-events";

/**
 * Messages ingestion could not store (invalid, unverified, over a limit) are kept for REJECTED_EVENT_DAYS in
 * `RejectedEvent`, so whoever sends them can see what was refused and why (Events → Rejected), instead of
 * losing them silently. Request-level failures (bad key, unreadable body, over the request limits) are not
 * kept: there is no message to show, and a stranger without a key must not be able to write here.
 */
export const REJECTED_EVENT_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface RejectedRow {
  /** index in the request's batch (0 for a single call) */
  batchIndex: number;
  reasons: FieldIssue[];
  /** the message as parsed from the request */
  raw: unknown;
}

export interface RejectedMeta {
  /** "api" or "webhook:<source id>" */
  source: string;
  keyPrefix: string | null;
  /** the endpoint it came to: "track", "batch", "webhook", ... */
  endpoint: string;
  receivedAt: Date;
}

/** Postgres text and jsonb cannot hold U+0000 or lone surrogates: keep them visible as escapes. */
function storable(text: string): string {
  return text.replaceAll("\u0000", "\\u0000").toWellFormed();
}

/**
 * The message as JSON text, cut to INGEST_LIMITS.maxEventBytes (32 KB). JSON.stringify escapes U+0000 and lone
 * surrogates; a message nested too deep for it (the hygiene check refused it for that) is described instead.
 */
export function rejectedPayloadText(raw: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(raw) ?? String(raw);
  } catch {
    return "(not kept: the message nests too deeply to be written back as JSON)";
  }
  if (Buffer.byteLength(text) <= INGEST_LIMITS.maxEventBytes) return text;
  // cut on a character boundary (a cut inside a UTF-8 sequence decodes to U+FFFD, dropped here)
  return Buffer.from(text)
    .subarray(0, INGEST_LIMITS.maxEventBytes)
    .toString("utf8")
    .replace(/\uFFFD$/, "");
}

/** Keeps a request's rejected messages: one statement for all of them, like the events' own write. */
export async function recordRejectedEvents(
  workspaceId: string,
  rows: RejectedRow[],
  meta: RejectedMeta,
): Promise<void> {
  if (!rows.length) return;
  const records = rows.map((r) => ({
    i: r.batchIndex,
    r: r.reasons.map((issue) => ({ path: storable(issue.path), message: storable(issue.message) })),
    p: rejectedPayloadText(r.raw),
  }));
  await insertRejectedEvents(pgPool(), workspaceId, meta, records);
}

/** Deletes rejected messages older than REJECTED_EVENT_DAYS (the retention job, ./after-ingest.ts). */
export async function deleteExpiredRejectedEvents(clock: Clock): Promise<number> {
  const cutoff = new Date(clock().getTime() - REJECTED_EVENT_DAYS * DAY_MS);
  return deleteRejectedEventsBefore(pgPool(), cutoff);
}
