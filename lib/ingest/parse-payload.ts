import { AppError, type FieldIssue } from "../errors";
import { fastParseMessage } from "./fast-parse";
import { INGEST_LIMITS } from "./limits";
import { timestampIssue } from "./normalize";
import { checkPayloadHygiene } from "./payload-hygiene";
import { MESSAGE_SCHEMAS, MESSAGE_TYPES, ZBatchEnvelope, type MessageType, type TSegmentMessage } from "./schemas";

/**
 * Turns a request body into validated Segment messages, or throws one error listing every problem:
 * 413 for a size limit, 400 for malformed JSON or invalid messages (each with its batch index and
 * field path, e.g. "batch.3.timestamp"). Limits are checked before JSON parsing and per-message
 * validation, so an oversized request costs almost nothing; then one pass over the parsed JSON for what
 * cannot be stored (./payload-hygiene.ts), before anything recurses into it; timestamps are checked
 * against `receivedAt`, the server's now (TIMESTAMP_WINDOW in ./limits.ts).
 */
export function parsePayload(body: string, endpoint: MessageType | "batch", receivedAt: Date = new Date()): TSegmentMessage[] {
  const bytes = Buffer.byteLength(body);
  if (bytes > INGEST_LIMITS.maxRequestBytes) {
    throw new AppError("payload_too_large", `The request is ${bytes} bytes; the limit is ${INGEST_LIMITS.maxRequestBytes} bytes (500 KB) per request.`);
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
      throw new AppError("payload_too_large", `The message is ${bytes} bytes; the limit is ${INGEST_LIMITS.maxEventBytes} bytes (32 KB) per message.`);
    }
    const hygiene: FieldIssue[] = [];
    if (!checkPayloadHygiene(json as Record<string, unknown>, "", hygiene)) throw AppError.validationAsBadRequest(hygiene);
    // The endpoint names the type (Segment allows leaving it out of the body).
    const fast = fastParseMessage(json as Record<string, unknown>, endpoint);
    const result = fast ? { success: true as const, data: fast } : MESSAGE_SCHEMAS[endpoint].safeParse({ ...(json as Record<string, unknown>), type: endpoint });
    if (!result.success) throw AppError.validationAsBadRequest(result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
    const late = timestampIssue(result.data, receivedAt, "");
    if (late) throw AppError.validationAsBadRequest([late]);
    return [result.data];
  }

  // The envelope's own fields (context, integrations, sentAt), before zod reads them.
  const envelopeIssues: FieldIssue[] = [];
  if (!checkPayloadHygiene(json as Record<string, unknown>, "", envelopeIssues, "batch")) throw AppError.validationAsBadRequest(envelopeIssues);
  const envelope = ZBatchEnvelope.safeParse(json);
  if (!envelope.success) {
    throw AppError.validationAsBadRequest(envelope.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  }
  const { batch, context, integrations, sentAt } = envelope.data;
  if (batch.length > INGEST_LIMITS.maxBatchSize) {
    throw new AppError("payload_too_large", `The batch has ${batch.length} messages; the limit is ${INGEST_LIMITS.maxBatchSize} messages per batch.`);
  }
  if (batch.length === 0) throw AppError.validationAsBadRequest([{ path: "batch", message: "must contain at least one message" }]);

  const issues: FieldIssue[] = [];
  const messages: TSegmentMessage[] = [];
  batch.forEach((raw, index) => {
    if (issues.length >= INGEST_LIMITS.maxIssues) return; // the answer lists the first ones
    const path = `batch.${index}`;
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      issues.push({ path, message: "must be a JSON object" });
      return;
    }
    // Before JSON.stringify, which recurses: a deeply nested message is refused here.
    if (!checkPayloadHygiene(raw as Record<string, unknown>, path, issues)) return;
    const size = Buffer.byteLength(JSON.stringify(raw));
    if (size > INGEST_LIMITS.maxEventBytes) {
      issues.push({ path, message: `is ${size} bytes; the limit is ${INGEST_LIMITS.maxEventBytes} bytes (32 KB) per message` });
      return;
    }
    const message = raw as Record<string, unknown>;
    const type = message.type;
    if (typeof type !== "string" || !MESSAGE_TYPES.includes(type as MessageType)) {
      issues.push({ path: `${path}.type`, message: `must be one of ${MESSAGE_TYPES.join(", ")}` });
      return;
    }
    // Valid messages take the fast path; zod parses the rest, so every problem is named as the schema names it.
    const fast = fastParseMessage(message, type as MessageType, { context, integrations, sentAt });
    const result = fast
      ? { success: true as const, data: fast }
      : MESSAGE_SCHEMAS[type as MessageType].safeParse({ ...message, context: message.context ?? context, integrations: message.integrations ?? integrations, sentAt: message.sentAt ?? sentAt });
    if (!result.success) {
      for (const issue of result.error.issues) issues.push({ path: [path, ...issue.path].join("."), message: issue.message });
      return;
    }
    const late = timestampIssue(result.data, receivedAt, path);
    if (late) issues.push(late);
    else messages.push(result.data);
  });
  if (issues.length) throw AppError.validationAsBadRequest(issues);
  return messages;
}
