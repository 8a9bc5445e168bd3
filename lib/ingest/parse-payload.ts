import { AppError, type FieldIssue } from "../errors";
import { fastParseMessage } from "./fast-parse";
import { INGEST_LIMITS } from "./limits";
import { timestampIssue } from "./normalize";
import { checkPayloadHygiene } from "./payload-hygiene";
import { MESSAGE_SCHEMAS, MESSAGE_TYPES, ZBatchEnvelope, type MessageType, type TSegmentMessage } from "./schemas";

/** A message of the request that cannot be stored: its index (0 for a single call), its problems, and what was sent. */
export interface RejectedMessage {
  index: number;
  reasons: FieldIssue[];
  raw: unknown;
}

/** The request's valid messages (with their indexes in it) and its rejected ones. */
export interface ParsedPayload {
  messages: TSegmentMessage[];
  /** each message's index in the request */
  indexes: number[];
  /** each message as sent (parsed JSON), should a later check reject it */
  raws: unknown[];
  rejected: RejectedMessage[];
}

/**
 * parsePayloadMessages, all or nothing: the messages, or one 400 listing every problem. For callers that
 * want a request refused whole (tests of the checks themselves).
 */
export function parsePayload(
  body: string,
  endpoint: MessageType | "batch",
  receivedAt: Date = new Date(),
): TSegmentMessage[] {
  const parsed = parsePayloadMessages(body, endpoint, receivedAt);
  if (parsed.rejected.length)
    throw AppError.validationAsBadRequest(parsed.rejected.flatMap((r) => r.reasons).slice(0, INGEST_LIMITS.maxIssues));
  return parsed.messages;
}

/**
 * Turns a request body into validated Segment messages and rejected ones. What concerns the request as a
 * whole throws: 413 for a size limit, 400 for malformed JSON, a body that is not an object, an invalid /batch
 * envelope or an empty batch. A message's own problems (schema, hygiene, timestamp window, over 32 KB in a
 * batch) reject that message only, each problem named by its path (e.g. "batch.3.timestamp"): Segment's
 * libraries drop a whole batch on a 400, so one bad message must not cost the others. Limits are checked before JSON parsing and per-message
 * validation, so an oversized request costs almost nothing; then one pass over the parsed JSON for what
 * cannot be stored (./payload-hygiene.ts), before anything recurses into it; timestamps are checked
 * against `receivedAt`, the server's now (TIMESTAMP_WINDOW in ./limits.ts).
 */
export function parsePayloadMessages(
  body: string,
  endpoint: MessageType | "batch",
  receivedAt: Date = new Date(),
): ParsedPayload {
  const bytes = Buffer.byteLength(body);
  if (bytes > INGEST_LIMITS.maxRequestBytes) {
    throw new AppError(
      "payload_too_large",
      `The request is ${bytes} bytes; the limit is ${INGEST_LIMITS.maxRequestBytes} bytes (500 KB) per request.`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new AppError("invalid_json", `The request body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new AppError("bad_request", "The request body must be a JSON object.");
  }

  if (endpoint !== "batch") {
    if (bytes > INGEST_LIMITS.maxEventBytes) {
      throw new AppError(
        "payload_too_large",
        `The message is ${bytes} bytes; the limit is ${INGEST_LIMITS.maxEventBytes} bytes (32 KB) per message.`,
      );
    }
    const reject = (reasons: FieldIssue[]): ParsedPayload => ({
      messages: [],
      indexes: [],
      raws: [],
      rejected: [{ index: 0, reasons, raw: json }],
    });
    const hygiene: FieldIssue[] = [];
    if (!checkPayloadHygiene(json as Record<string, unknown>, "", hygiene)) return reject(hygiene);
    // The endpoint names the type (Segment allows leaving it out of the body).
    const fast = fastParseMessage(json as Record<string, unknown>, endpoint);
    const result = fast
      ? { success: true as const, data: fast }
      : MESSAGE_SCHEMAS[endpoint].safeParse({ ...(json as Record<string, unknown>), type: endpoint });
    if (!result.success)
      return reject(result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
    const late = timestampIssue(result.data, receivedAt, "");
    if (late) return reject([late]);
    return { messages: [result.data], indexes: [0], raws: [json], rejected: [] };
  }

  // The envelope's own fields (context, integrations, sentAt), before zod reads them.
  const envelopeIssues: FieldIssue[] = [];
  if (!checkPayloadHygiene(json as Record<string, unknown>, "", envelopeIssues, "batch"))
    throw AppError.validationAsBadRequest(envelopeIssues);
  const envelope = ZBatchEnvelope.safeParse(json);
  if (!envelope.success) {
    throw AppError.validationAsBadRequest(
      envelope.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    );
  }
  const { batch, context, integrations, sentAt } = envelope.data;
  if (batch.length > INGEST_LIMITS.maxBatchSize) {
    throw new AppError(
      "payload_too_large",
      `The batch has ${batch.length} messages; the limit is ${INGEST_LIMITS.maxBatchSize} messages per batch.`,
    );
  }
  if (batch.length === 0)
    throw AppError.validationAsBadRequest([{ path: "batch", message: "must contain at least one message" }]);

  const messages: TSegmentMessage[] = [];
  const indexes: number[] = [];
  const raws: unknown[] = [];
  const rejected: RejectedMessage[] = [];
  batch.forEach((raw, index) => {
    // each message's problems on their own (at most INGEST_LIMITS.maxIssues of them are named)
    const issues: FieldIssue[] = [];
    const path = `batch.${index}`;
    const accept = (message: TSegmentMessage) => {
      messages.push(message);
      indexes.push(index);
      raws.push(raw);
    };
    const reject = () => void rejected.push({ index, reasons: issues, raw });
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      issues.push({ path, message: "must be a JSON object" });
      return reject();
    }
    // Before JSON.stringify, which recurses: a deeply nested message is refused here.
    if (!checkPayloadHygiene(raw as Record<string, unknown>, path, issues)) return reject();
    const size = Buffer.byteLength(JSON.stringify(raw));
    if (size > INGEST_LIMITS.maxEventBytes) {
      issues.push({
        path,
        message: `is ${size} bytes; the limit is ${INGEST_LIMITS.maxEventBytes} bytes (32 KB) per message`,
      });
      return reject();
    }
    const message = raw as Record<string, unknown>;
    const type = message.type;
    if (typeof type !== "string" || !MESSAGE_TYPES.includes(type as MessageType)) {
      issues.push({ path: `${path}.type`, message: `must be one of ${MESSAGE_TYPES.join(", ")}` });
      return reject();
    }
    // Valid messages take the fast path; zod parses the rest, so every problem is named as the schema names it.
    const fast = fastParseMessage(message, type as MessageType, { context, integrations, sentAt });
    const result = fast
      ? { success: true as const, data: fast }
      : MESSAGE_SCHEMAS[type as MessageType].safeParse({
          ...message,
          context: message.context ?? context,
          integrations: message.integrations ?? integrations,
          sentAt: message.sentAt ?? sentAt,
        });
    if (!result.success) {
      for (const issue of result.error.issues.slice(0, INGEST_LIMITS.maxIssues))
        issues.push({ path: [path, ...issue.path].join("."), message: issue.message });
      return reject();
    }
    const late = timestampIssue(result.data, receivedAt, path);
    if (late) {
      issues.push(late);
      return reject();
    }
    accept(result.data);
  });
  return { messages, indexes, raws, rejected };
}
