import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { recordAudit } from "../audit/audit-log";
import { db } from "../db/client";
import { AppError, parseInput, type FieldIssue } from "../errors";
import { decryptSecret, encryptSecret } from "../security/encryption";
import { afterIngest } from "./after-ingest";
import type { Clock } from "../runtime/clock";
import { JSON_PATH_PATTERN, readJsonPath } from "./json-path";
import { INGEST_LIMITS } from "./limits";
import { normalizeMessage, timestampIssue } from "./normalize";
import { canSeeWebhookSourceIds, webhookSourceRef } from "./webhook-source-refs";
import { checkPayloadHygiene } from "./payload-hygiene";
import { ZTrack } from "./schemas";
import type { IngestResult } from "./ingest";
import { recordRejectedEvents, type RejectedRow } from "./rejected-events";
import { storeBatch } from "./store-batch";

/**
 * Generic webhook sources, for systems that cannot speak Segment (an e-commerce platform's order
 * webhook, a CRM): they POST their own JSON to /api/v1/webhooks/<sourceId>, and the source's mapping
 * says where the user id, event name and timestamp are. Each payload becomes a track event. With a
 * signing secret, the HMAC-SHA256 of the raw body must match the signature header.
 */
const ZPath = z.string().trim().regex(JSON_PATH_PATTERN, 'must be a path like "customer.id" or "$.line_items.0.sku"');

export const ZWebhookMapping = z
  .object({
    userIdPath: ZPath.optional(),
    anonymousIdPath: ZPath.optional(),
    /** where the event name is, or `eventName` for a fixed one */
    eventNamePath: ZPath.optional(),
    eventName: z.string().trim().min(1).max(255).optional(),
    timestampPath: ZPath.optional(),
    /** where a unique id of the delivery is; makes redeliveries idempotent */
    messageIdPath: ZPath.optional(),
    /** where the properties are; default: the whole payload */
    propertiesPath: ZPath.optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (!m.userIdPath && !m.anonymousIdPath)
      ctx.addIssue({ code: "custom", path: ["userIdPath"], message: "say where the user id (or an anonymous id) is" });
    if (!m.eventNamePath && !m.eventName)
      ctx.addIssue({
        code: "custom",
        path: ["eventName"],
        message: "give a fixed event name or the path of the event name",
      });
  });
export type TWebhookMapping = z.output<typeof ZWebhookMapping>;

export const ZWebhookSourceInput = z
  .object({
    name: z
      .string({ error: "Name the source" })
      .trim()
      .min(1, "Name the source, e.g. “Shop orders”")
      .max(80, "A name has at most 80 characters"),
    mapping: ZWebhookMapping,
    /** null removes the secret; undefined keeps it (on update) */
    signingSecret: z.string().min(8, "A signing secret has at least 8 characters").max(500).nullish(),
  })
  .strict();
export type TWebhookSourceInput = z.input<typeof ZWebhookSourceInput>;

/** What every member sees of a source (./webhook-source-refs.ts): its name and last delivery. */
export interface WebhookSourceListing {
  /** what events' `source` names it by ("webhook:<key>"): the id for editors and up, else an opaque reference */
  key: string;
  name: string;
  lastReceivedAt: string | null;
}

/** What editors and up (and full API keys) see: also the id (the URL's secret part), mapping and signature. */
export interface WebhookSourceSummary extends WebhookSourceListing {
  id: string;
  mapping: TWebhookMapping;
  signed: boolean;
  createdAt: string;
}

const SELECT = {
  id: true,
  name: true,
  mapping: true,
  signingSecretCipher: true,
  createdAt: true,
  lastReceivedAt: true,
} as const;
type Row = {
  id: string;
  name: string;
  mapping: unknown;
  signingSecretCipher: string | null;
  createdAt: Date;
  lastReceivedAt: Date | null;
};

function summary(row: Row): WebhookSourceSummary {
  return {
    key: row.id,
    id: row.id,
    name: row.name,
    mapping: row.mapping as TWebhookMapping,
    signed: !!row.signingSecretCipher,
    createdAt: row.createdAt.toISOString(),
    lastReceivedAt: row.lastReceivedAt?.toISOString() ?? null,
  };
}

/** Every member may list the sources; viewers get names and last deliveries only (./webhook-source-refs.ts). */
export async function listWebhookSources(ctx: WorkspaceContext): Promise<WebhookSourceListing[]> {
  requirePermission(ctx, "workspace:read");
  const rows = await db().webhookSource.findMany({
    where: { workspaceId: ctx.workspace.id },
    orderBy: { createdAt: "asc" },
    select: SELECT,
  });
  if (canSeeWebhookSourceIds(ctx)) return rows.map(summary);
  return rows.map((row) => ({
    key: webhookSourceRef(row.id),
    name: row.name,
    lastReceivedAt: row.lastReceivedAt?.toISOString() ?? null,
  }));
}

export async function createWebhookSource(
  ctx: WorkspaceContext,
  input: TWebhookSourceInput,
): Promise<WebhookSourceSummary> {
  requirePermission(ctx, "settings:manage");
  const data = parseInput(ZWebhookSourceInput, input);
  return db().$transaction(async (tx) => {
    const row = await tx.webhookSource.create({
      data: {
        workspaceId: ctx.workspace.id,
        name: data.name,
        mapping: data.mapping,
        signingSecretCipher: data.signingSecret ? encryptSecret(data.signingSecret) : null,
      },
      select: SELECT,
    });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "webhook_source.created",
      targetType: "webhook_source",
      targetId: row.id,
      summary: `Created the webhook source "${row.name}"${row.signingSecretCipher ? " (signed)" : ""}`,
    });
    return summary(row);
  });
}

export async function updateWebhookSource(
  ctx: WorkspaceContext,
  id: string,
  input: TWebhookSourceInput,
): Promise<WebhookSourceSummary> {
  requirePermission(ctx, "settings:manage");
  const data = parseInput(ZWebhookSourceInput, input);
  await findSource(ctx, id);
  return db().$transaction(async (tx) => {
    const row = await tx.webhookSource.update({
      where: { id },
      data: {
        name: data.name,
        mapping: data.mapping,
        ...(data.signingSecret === undefined
          ? {}
          : { signingSecretCipher: data.signingSecret ? encryptSecret(data.signingSecret) : null }),
      },
      select: SELECT,
    });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "webhook_source.updated",
      targetType: "webhook_source",
      targetId: id,
      summary: `Updated the webhook source "${row.name}"`,
    });
    return summary(row);
  });
}

export async function deleteWebhookSource(ctx: WorkspaceContext, id: string): Promise<void> {
  requirePermission(ctx, "settings:manage");
  const source = await findSource(ctx, id);
  await db().$transaction(async (tx) => {
    await tx.webhookSource.delete({ where: { id } });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "webhook_source.deleted",
      targetType: "webhook_source",
      targetId: id,
      summary: `Deleted the webhook source "${source.name}"`,
    });
  });
}

async function findSource(ctx: WorkspaceContext, id: string) {
  if (!z.uuid().safeParse(id).success) throw new AppError("not_found", "No such webhook source in this workspace.");
  const source = await db().webhookSource.findFirst({
    where: { id, workspaceId: ctx.workspace.id },
    select: { id: true, name: true },
  });
  if (!source) throw new AppError("not_found", "No such webhook source in this workspace.");
  return source;
}

/** Headers a signature may come in (Cairn's own, GitHub's, Shopify's, a generic one), hex or base64. */
export const SIGNATURE_HEADERS = [
  "x-cairn-signature",
  "x-hub-signature-256",
  "x-shopify-hmac-sha256",
  "x-signature",
] as const;

export function signatureMatches(secret: string, rawBody: string, headers: Headers): boolean {
  const digest = createHmac("sha256", secret).update(rawBody).digest();
  for (const name of SIGNATURE_HEADERS) {
    const header = headers.get(name);
    if (!header) continue;
    const value = header.trim().replace(/^sha256=/i, "");
    const candidates = [/^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, "hex") : null, Buffer.from(value, "base64")];
    if (candidates.some((c) => c && c.length === digest.length && timingSafeEqual(c, digest))) return true;
  }
  return false;
}

function mapPayload(
  payload: unknown,
  mapping: TWebhookMapping,
  path: string,
  receivedAt: Date,
): { message?: unknown; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const read = (field: keyof TWebhookMapping) => {
    const p = mapping[field];
    return p ? readJsonPath(payload, p) : undefined;
  };
  const asId = (value: unknown) => (typeof value === "number" ? String(value) : value);
  const event = mapping.eventName ?? read("eventNamePath");
  const properties = mapping.propertiesPath ? read("propertiesPath") : payload;
  const message = {
    type: "track",
    event,
    userId: asId(read("userIdPath")) ?? undefined,
    anonymousId: asId(read("anonymousIdPath")) ?? undefined,
    timestamp: read("timestampPath") ?? undefined,
    messageId: asId(read("messageIdPath")) ?? undefined,
    properties,
  };
  const result = ZTrack.safeParse(message);
  if (result.success) {
    // The same window as the Segment API (TIMESTAMP_WINDOW, ./limits.ts), named by the mapping's path.
    const late = timestampIssue(result.data, receivedAt, "");
    if (!late) return { message: result.data, issues };
    issues.push({
      path: [path, mapping.timestampPath].filter(Boolean).join("."),
      message: `timestamp ${late.message} (mapped from ${mapping.timestampPath})`,
    });
    return { issues };
  }
  const fieldOf: Record<string, string> = {
    event: mapping.eventNamePath ?? "eventName",
    userId: mapping.userIdPath ?? "userIdPath",
    timestamp: mapping.timestampPath ?? "timestampPath",
  };
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "");
    issues.push({
      path: [path, fieldOf[field] ?? field].filter(Boolean).join("."),
      message: `${field} ${issue.message} (mapped from ${fieldOf[field] ?? field})`,
    });
  }
  return { issues };
}

/**
 * Receives one delivery: authenticates it by the source's signature (when it has a secret), maps the
 * payload (an object, or an array of objects) to track events and stores the valid ones like any batch; the
 * others are kept as rejected events and listed in the answer (400 when none could be stored).
 */
export async function receiveWebhook(
  sourceId: string,
  rawBody: string,
  headers: Headers,
  clock: Clock = () => new Date(),
): Promise<IngestResult> {
  if (!z.uuid().safeParse(sourceId).success) throw new AppError("not_found", "No such webhook source.");
  const source = await db().webhookSource.findUnique({
    where: { id: sourceId },
    select: { id: true, workspaceId: true, mapping: true, signingSecretCipher: true },
  });
  if (!source) throw new AppError("not_found", "No such webhook source.");
  if (source.signingSecretCipher && !signatureMatches(decryptSecret(source.signingSecretCipher), rawBody, headers)) {
    throw new AppError(
      "unauthenticated",
      `Missing or wrong signature: send the HMAC-SHA256 of the raw body, keyed with the source's signing secret, in one of ${SIGNATURE_HEADERS.join(", ")}.`,
    );
  }
  if (Buffer.byteLength(rawBody) > INGEST_LIMITS.maxRequestBytes)
    throw new AppError("payload_too_large", "The request is larger than the limit of 500 KB per request.");
  let payload: unknown;
  try {
    payload = JSON.parse(rawBody);
  } catch (error) {
    throw new AppError("invalid_json", `The request body is not valid JSON: ${(error as Error).message}`);
  }
  const deliveries = Array.isArray(payload) ? payload : [payload];
  if (deliveries.length > INGEST_LIMITS.maxBatchSize)
    throw new AppError(
      "payload_too_large",
      `The request has ${deliveries.length} payloads; the limit is ${INGEST_LIMITS.maxBatchSize}.`,
    );
  const mapping = source.mapping as TWebhookMapping;
  const receivedAt = clock();
  // Each payload on its own: the valid ones are stored, the others kept as rejected (./rejected-events.ts).
  const rejected: RejectedRow[] = [];
  const messages: unknown[] = [];
  deliveries.forEach((delivery, index) => {
    const issues: FieldIssue[] = [];
    const prefix = Array.isArray(payload) ? String(index) : "";
    // What cannot be stored (\u0000, lone surrogates, 1e400, nesting, key counts: ./payload-hygiene.ts), first.
    if (
      typeof delivery === "object" &&
      delivery !== null &&
      !Array.isArray(delivery) &&
      !checkPayloadHygiene(delivery as Record<string, unknown>, prefix, issues)
    ) {
      rejected.push({ batchIndex: index, reasons: issues, raw: delivery });
      return;
    }
    const mapped = mapPayload(delivery, mapping, prefix, receivedAt);
    if (mapped.message) messages.push(mapped.message);
    else rejected.push({ batchIndex: index, reasons: mapped.issues, raw: delivery });
  });
  await recordRejectedEvents(source.workspaceId, rejected, {
    source: `webhook:${source.id}`,
    keyPrefix: null,
    endpoint: "webhook",
    receivedAt,
  });
  if (!messages.length && rejected.length) throw AppError.validationAsBadRequest(rejected.flatMap((r) => r.reasons));
  const result = await storeBatch(
    source.workspaceId,
    messages.map((m) => normalizeMessage(m as never, receivedAt)),
    `webhook:${source.id}`,
  );
  await db().webhookSource.update({ where: { id: source.id }, data: { lastReceivedAt: receivedAt } });
  if (result.stored) afterIngest();
  return {
    ...result,
    received: deliveries.length,
    rejected: rejected.map((r) => ({
      index: r.batchIndex,
      path: r.reasons[0]?.path ?? "",
      reason: r.reasons[0]?.message ?? "",
      fields: r.reasons,
    })),
  };
}
