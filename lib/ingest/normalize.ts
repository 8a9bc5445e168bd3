import { randomUUID } from "node:crypto";
import type { FieldIssue } from "../errors";
import { TIMESTAMP_WINDOW } from "./limits";
import type { TSegmentMessage } from "./schemas";

export interface NormalizedEvent {
  messageId: string;
  type: TSegmentMessage["type"];
  /** What journeys and the catalog call the event: track's `event`, "Page Viewed", "Screen Viewed"; null otherwise. */
  name: string | null;
  userId: string | null;
  anonymousId: string | null;
  /** alias only: the person's earlier id. */
  previousId: string | null;
  properties: Record<string, unknown>;
  traits: Record<string, unknown> | null;
  context: Record<string, unknown> | null;
  /** When it happened, corrected for the client's clock skew. */
  timestamp: Date;
  originalTimestamp: Date | null;
  sentAt: Date | null;
  receivedAt: Date;
}

/**
 * Segment's timestamp rules: a client's `timestamp` is corrected by how far its clock is off, measured as
 * receivedAt − sentAt (both for the same request), so `timestamp + (receivedAt − sentAt)`. Without
 * `sentAt` the client's timestamp is taken as is; without a timestamp, the time the server received it.
 */
export function correctedTimestamp(original: Date | null, sentAt: Date | null, receivedAt: Date): Date {
  if (!original) return receivedAt;
  if (!sentAt) return original;
  return new Date(original.getTime() + (receivedAt.getTime() - sentAt.getTime()));
}

/**
 * The message's timestamp problem, if any (TIMESTAMP_WINDOW, ./limits.ts): its raw `timestamp` and
 * `sentAt` must be four-digit-year dates, and its corrected timestamp within 2000-01-01 … now + 1 day,
 * `receivedAt` being the server's now. Named under `prefix` ("batch.3").
 */
export function timestampIssue(
  message: Pick<TSegmentMessage, "timestamp" | "sentAt">,
  receivedAt: Date,
  prefix: string,
): FieldIssue | null {
  if (!message.timestamp) {
    // no timestamp: the event is dated receivedAt; only a sentAt no reader could print is refused
    if (message.sentAt && !inRawRange(parseMs(message.sentAt)))
      return { path: prefix ? `${prefix}.sentAt` : "sentAt", message: RAW_RANGE_MESSAGE };
    return null;
  }
  const original = Date.parse(message.timestamp);
  const sentAt = message.sentAt ? parseMs(message.sentAt) : null;
  if (!inRawRange(original))
    return { path: prefix ? `${prefix}.timestamp` : "timestamp", message: TIMESTAMP_WINDOW.message };
  if (sentAt !== null && !inRawRange(sentAt))
    return { path: prefix ? `${prefix}.sentAt` : "sentAt", message: RAW_RANGE_MESSAGE };
  // correctedTimestamp, in milliseconds (no Date objects: this runs for every message of the hot path)
  const now = receivedAt.getTime();
  const corrected = sentAt === null ? original : original + (now - sentAt);
  if (corrected < TIMESTAMP_WINDOW.earliest.getTime() || corrected > now + TIMESTAMP_WINDOW.futureMs) {
    return { path: prefix ? `${prefix}.timestamp` : "timestamp", message: TIMESTAMP_WINDOW.message };
  }
  return null;
}

const RAW_RANGE_MESSAGE = "must be a date-time between the years 0001 and 9999";

function inRawRange(ms: number): boolean {
  return ms >= TIMESTAMP_WINDOW.minRawMs && ms <= TIMESTAMP_WINDOW.maxRawMs;
}

/** Date.parse, remembering the last answer: a batch's messages usually share one sentAt (the envelope's). */
let lastParsed: { text: string; ms: number } = { text: "", ms: NaN };
function parseMs(text: string): number {
  if (text !== lastParsed.text) lastParsed = { text, ms: Date.parse(text) };
  return lastParsed.ms;
}

export function normalizeMessage(message: TSegmentMessage, receivedAt: Date): NormalizedEvent {
  const originalTimestamp = message.timestamp ? new Date(message.timestamp) : null;
  const sentAt = message.sentAt ? new Date(message.sentAt) : null;
  let name: string | null = null;
  let properties: Record<string, unknown> = {};
  let traits: Record<string, unknown> | null = null;
  let previousId: string | null = null;
  switch (message.type) {
    case "track":
      name = message.event;
      properties = message.properties ?? {};
      break;
    case "page":
    case "screen":
      name = message.type === "page" ? "Page Viewed" : "Screen Viewed";
      properties = {
        ...(message.name ? { name: message.name } : {}),
        ...(message.category ? { category: message.category } : {}),
        ...(message.properties ?? {}),
      };
      break;
    case "identify":
      traits = message.traits ?? {};
      break;
    case "group":
      properties = { groupId: message.groupId };
      traits = message.traits ?? {};
      break;
    case "alias":
      previousId = message.previousId;
      properties = { previousId: message.previousId };
      break;
  }
  return {
    messageId: message.messageId ?? `cairn-${randomUUID()}`,
    type: message.type,
    name,
    userId: message.userId ?? null,
    anonymousId: message.anonymousId ?? null,
    previousId,
    properties,
    traits,
    context: message.context ?? null,
    timestamp: correctedTimestamp(originalTimestamp, sentAt, receivedAt),
    originalTimestamp,
    sentAt,
    receivedAt,
  };
}
