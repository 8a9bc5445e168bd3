import { randomBytes } from "node:crypto";
import { seededUlid, ulid } from "./ulid";

/**
 * The event API's input: `POST /e/:key` with one event or an array of them, as `inngest.send()` and
 * `step.sendEvent()` send them. Validation says which event and which field is wrong.
 */

export const MAX_EVENTS_PER_REQUEST = 5000;

export interface IncomingEvent {
  /** Internal id (a ULID): what the event API answers with, and the events table's key. */
  internalId: string;
  name: string;
  /** The event as functions receive it: `{ name, data, id, ts, user?, v? }` (and any extra fields). */
  payload: Record<string, unknown>;
  /** The sender's own id, deduplicated for 24 h as Inngest does. */
  userId?: string;
}

export class EventPayloadError extends Error {}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Parses a request body. `seed` is the SDK's `x-inngest-event-id-seed` header ("<ms>,<base64 entropy>"):
 * when present, internal ids derive from it, so a retried send of the same batch yields the same ids
 * and is stored once.
 */
export function parseEvents(body: string, options: { nowMs: number; seed?: string | null }): IncomingEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new EventPayloadError(`The body is not valid JSON: ${(error as Error).message}`);
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  if (list.length > MAX_EVENTS_PER_REQUEST)
    throw new EventPayloadError(`At most ${MAX_EVENTS_PER_REQUEST} events per request, got ${list.length}`);
  const seedMs = options.seed ? Number(options.seed.split(",")[0]) : NaN;
  const seeded = options.seed && Number.isFinite(seedMs);
  // The seed identifies one send() call; index-qualified so each event in it gets its own id.
  const salt = seeded ? options.seed! : randomBytes(8).toString("hex");

  return list.map((raw, index) => {
    const where = Array.isArray(parsed) ? `Event ${index}` : "The event";
    if (!isRecord(raw)) throw new EventPayloadError(`${where} is not a JSON object`);
    if (typeof raw.name !== "string" || !raw.name.trim())
      throw new EventPayloadError(`${where} has no name (a non-empty string is required)`);
    if (raw.data !== undefined && raw.data !== null && !isRecord(raw.data))
      throw new EventPayloadError(`${where} ("${raw.name}"): data must be an object`);
    if (raw.id !== undefined && raw.id !== null && (typeof raw.id !== "string" || !raw.id))
      throw new EventPayloadError(`${where} ("${raw.name}"): id must be a non-empty string`);
    if (raw.ts !== undefined && raw.ts !== null && (typeof raw.ts !== "number" || !Number.isFinite(raw.ts)))
      throw new EventPayloadError(`${where} ("${raw.name}"): ts must be a number of milliseconds`);
    if (raw.user !== undefined && raw.user !== null && !isRecord(raw.user))
      throw new EventPayloadError(`${where} ("${raw.name}"): user must be an object`);
    if (raw.v !== undefined && raw.v !== null && typeof raw.v !== "string")
      throw new EventPayloadError(`${where} ("${raw.name}"): v must be a string`);

    const internalId = seeded ? seededUlid(seedMs, `${salt}:${index}`) : ulid(options.nowMs);
    const userId = typeof raw.id === "string" ? raw.id : undefined;
    const payload: Record<string, unknown> = {
      ...raw,
      name: raw.name,
      data: raw.data ?? {},
      id: userId ?? internalId,
      ts: typeof raw.ts === "number" ? raw.ts : options.nowMs,
    };
    for (const key of Object.keys(payload))
      if (payload[key] === null || payload[key] === undefined) delete payload[key];
    return { internalId, name: raw.name, payload, userId };
  });
}
