import { idFromNumber, type MessageType, type TSegmentMessage } from "./schemas";

/**
 * The hot path's validation of one Segment message: the rules of MESSAGE_SCHEMAS (./schemas.ts), checked
 * by hand, with the output the schema would give. It only ever says "valid, here it is" or "not sure":
 * anything it does not accept (an invalid message, an unusual one) goes through the zod schema, so every
 * error message still comes from the schema, word for word. ./fast-parse.test.ts holds the two to the
 * same verdicts and outputs.
 *
 * Why: zod took about 8 µs per message, most of the CPU time of validating a batch of 500.
 */
export interface MessageDefaults {
  context?: unknown;
  integrations?: unknown;
  sentAt?: unknown;
}

const MAX_ID = 255;

/** ZPersonId: ZId, or a number kept as its text (idFromNumber, ./schemas.ts). */
function personId(value: unknown): string | undefined {
  return typeof value === "number" ? idFromNumber(value) : id(value);
}

/** ZId: a string, trimmed, 1 to 255 characters. */
function id(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  return trimmed.length >= 1 && trimmed.length <= MAX_ID ? trimmed : undefined;
}

/** ZObject: a plain JSON object. zod copies it without a `__proto__` key; such a rare object goes to zod. */
function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype &&
    !Object.hasOwn(value, "__proto__")
  );
}

/** ZTimestamp: a string Date.parse understands. */
function isTimestamp(value: unknown): value is string {
  return typeof value === "string" && !Number.isNaN(Date.parse(value));
}

const FAIL = Symbol("invalid");

/** A nullish person id (ZPersonId): undefined and null pass through as they are. */
function nullishPersonId(value: unknown): string | null | undefined | typeof FAIL {
  if (value === undefined || value === null) return value;
  return personId(value) ?? FAIL;
}

/** An optional id; FAIL when present and invalid (null is not allowed). */
function optionalId(value: unknown): string | undefined | typeof FAIL {
  if (value === undefined) return undefined;
  return id(value) ?? FAIL;
}

function optionalRecord(value: unknown): Record<string, unknown> | undefined | typeof FAIL {
  if (value === undefined) return undefined;
  return isRecord(value) ? value : FAIL;
}

function optionalTimestamp(value: unknown): string | undefined | typeof FAIL {
  if (value === undefined) return undefined;
  return isTimestamp(value) ? value : FAIL;
}

/** page/screen name and category: a string of at most 255 characters (not trimmed). */
function optionalLabel(value: unknown): string | undefined | typeof FAIL {
  if (value === undefined) return undefined;
  return typeof value === "string" && value.length <= MAX_ID ? value : FAIL;
}

/**
 * The message as MESSAGE_SCHEMAS[type] would output it, or undefined when it is invalid or not certainly
 * valid. `defaults` are /batch's envelope values for a message that lacks its own (`??`, as parsePayload).
 */
export function fastParseMessage(
  message: Record<string, unknown>,
  type: MessageType,
  defaults: MessageDefaults = {},
): TSegmentMessage | undefined {
  const messageId = optionalId(message.messageId);
  const userId = type === "alias" ? (personId(message.userId) ?? FAIL) : nullishPersonId(message.userId);
  const anonymousId = nullishPersonId(message.anonymousId);
  const context = optionalRecord(message.context ?? defaults.context);
  const integrations = optionalRecord(message.integrations ?? defaults.integrations);
  const timestamp = optionalTimestamp(message.timestamp);
  const sentAt = optionalTimestamp(message.sentAt ?? defaults.sentAt);
  if (
    messageId === FAIL ||
    userId === FAIL ||
    anonymousId === FAIL ||
    context === FAIL ||
    integrations === FAIL ||
    timestamp === FAIL ||
    sentAt === FAIL
  )
    return undefined;
  // requireIdentity (every type but alias, whose userId is required anyway)
  if (!userId && !anonymousId) return undefined;

  const out: Record<string, unknown> = { type };
  if (messageId !== undefined) out.messageId = messageId;
  if (userId !== undefined) out.userId = userId;
  if (anonymousId !== undefined) out.anonymousId = anonymousId;
  if (context !== undefined) out.context = context;
  if (integrations !== undefined) out.integrations = integrations;
  if (timestamp !== undefined) out.timestamp = timestamp;
  if (sentAt !== undefined) out.sentAt = sentAt;

  switch (type) {
    case "track": {
      const event = id(message.event);
      const properties = optionalRecord(message.properties);
      if (event === undefined || properties === FAIL) return undefined;
      out.event = event;
      if (properties !== undefined) out.properties = properties;
      break;
    }
    case "identify": {
      const traits = optionalRecord(message.traits);
      if (traits === FAIL) return undefined;
      if (traits !== undefined) out.traits = traits;
      break;
    }
    case "page":
    case "screen": {
      const name = optionalLabel(message.name);
      const category = optionalLabel(message.category);
      const properties = optionalRecord(message.properties);
      if (name === FAIL || category === FAIL || properties === FAIL) return undefined;
      if (name !== undefined) out.name = name;
      if (category !== undefined) out.category = category;
      if (properties !== undefined) out.properties = properties;
      break;
    }
    case "group": {
      const groupId = personId(message.groupId);
      const traits = optionalRecord(message.traits);
      if (groupId === undefined || traits === FAIL) return undefined;
      out.groupId = groupId;
      if (traits !== undefined) out.traits = traits;
      break;
    }
    case "alias": {
      const previousId = personId(message.previousId);
      if (previousId === undefined) return undefined;
      out.previousId = previousId;
      break;
    }
    default:
      return undefined;
  }
  return out as unknown as TSegmentMessage;
}
