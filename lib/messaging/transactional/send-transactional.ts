import { awaitingApprovalFor, refuseBannedContent } from "../../approvals/publish-gate";
import { createHash, randomUUID } from "node:crypto";
import { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../../auth/context";
import { pgPool } from "../../db/pool";
import { AppError, type FieldIssue, parseInput } from "../../errors";
import { systemClock, type Clock } from "../../runtime/clock";
import { type Channel, isChannel, type TemplateContent } from "../liquid";
import { prepareRender } from "../../content/prepare-render";
import { addressOnlyPerson, buildScope, type Person } from "../prepare-send";
import { usableTopic } from "../../topics/manage-topics";
import { renderIsolated } from "../render-pool";
import type { DeliveryMessage } from "../store/deliveries";
import { selectRecipientByAddress, selectRecipientByUserId } from "../store/recipients";
import { normalizeLocale } from "../../content/locales/locale-chain";
import { withCompiledHtml } from "../../email-builder/visual-content";
import { checkAgainstWorkspace, validateContent } from "../templates/check-content";
import { currentTemplate, renderAssetsAt, templateVersionAt } from "../templates/published-versions";
import { type SendResponse, type TSendMessage, ZIdempotencyKey, ZSendMessage } from "./schemas";
import {
  insertTransactionalMessage,
  type KeyedMessage,
  selectMessageByIdempotencyKey,
} from "./store/transactional-messages";

/**
 * POST /api/v1/send: a transactional message (a receipt, a password reset) from the customer's backend. Everything
 * that can be wrong with the request is found before anything is stored, each a 422 naming the field: the
 * template, the address, the person, and the content rendered with the request's `data` for that person (a
 * variable marked `| required` that `data` lacks, any Liquid error). Then the message is stored QUEUED in the
 * transactional category and delivered by the same exactly-once pipeline as every message
 * (lib/messaging/delivery.ts, which skips caps, quiet hours and marketing consent for this category, never a
 * suppression); the caller delivers it after answering (deliver-transactional.ts).
 *
 * Idempotency as Stripe does it: the key is optional (body `idempotencyKey` or the Idempotency-Key header); a
 * request with a key seen before answers the message that key made (200, `replayed: true`) if its body is the same,
 * and 409 if it differs (a hash of the request is kept on the message's context). Keys are kept as long as the
 * message (Stripe forgets them after 24 hours), and are per workspace.
 */

export interface SendOutcome {
  response: SendResponse;
  /** 202 for a new message, 200 for a replay */
  status: 200 | 202;
  /** set for a new message: deliver it once the answer is on its way */
  queued: DeliveryMessage | null;
}

/** The channels each kind of recipient can be reached on without a profile's other addresses. */
const ADDRESS_CHANNEL: Record<"email" | "phone", Channel> = { email: "email", phone: "sms" };
const CHANNEL_LABEL: Record<Channel, string> = {
  email: "an email",
  sms: "an SMS",
  push: "a push notification",
  in_app: "an in-app message",
};

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value);
}

/** The request as the idempotency check compares it: everything but the key, key order ignored. */
export function requestHash(body: TSendMessage): string {
  return createHash("sha256")
    .update(stableJson({ ...body, idempotencyKey: undefined }))
    .digest("hex");
}

function idempotencyKeyOf(body: TSendMessage, header: string | null): string | null {
  if (header !== null) {
    const parsed = ZIdempotencyKey.safeParse(header);
    if (!parsed.success) throw AppError.field("Idempotency-Key", `The header ${parsed.error.issues[0].message}`);
    if (body.idempotencyKey !== undefined && body.idempotencyKey !== header)
      throw AppError.field("idempotencyKey", "differs from the Idempotency-Key header; send one of them");
    return header;
  }
  return body.idempotencyKey ?? null;
}

function replay(existing: KeyedMessage, hash: string): SendOutcome {
  if (existing.requestHash !== hash)
    throw new AppError(
      "idempotency_conflict",
      "This idempotency key was used for a different request. Use a new key for a new message.",
      { fields: [{ path: "idempotencyKey", message: "was used with a different body" }] },
    );
  return {
    response: { id: existing.id, status: existing.status.toLowerCase(), replayed: true },
    status: 200,
    queued: null,
  };
}

/** What a send renders: a saved template's current version, or the request's inline content. */
async function contentToSend(
  ctx: WorkspaceContext,
  body: TSendMessage,
  now: Date,
): Promise<{ channel: Channel; templateId: string; content: TemplateContent; inline: boolean }> {
  if (body.content !== undefined) {
    const channel = body.channel!;
    // inline visual content is compiled from its document, never sent as the client's html
    const content = validateContent(channel, await withCompiledHtml(channel, body.content));
    await checkAgainstWorkspace(ctx, channel, content);
    await refuseBannedContent(ctx.workspace.id, channel, content, "content");
    return { channel, templateId: "inline", content, inline: true };
  }
  const unknown = () => AppError.field("templateId", "No such template in this workspace");
  const templateId = body.templateId!;
  if (!z.uuid().safeParse(templateId).success) throw unknown();
  // the template and its version come from this process's cache (published-versions.ts), as delivery's do
  const template = await currentTemplate(ctx.workspace.id, templateId);
  if (!template) throw unknown();
  if (template.archived) throw AppError.field("templateId", "The template is archived; restore it to send it");
  if (!isChannel(template.channel))
    throw AppError.field(
      "templateId",
      `is a ${template.channel} template; only email, SMS, push and in-app templates can be sent`,
    );
  if (body.channel !== undefined && body.channel !== template.channel)
    throw AppError.field("channel", `The template is for ${template.channel}, not ${body.channel}`);
  // #20: the live version (approved, or not needing approval); none while every version awaits approval
  const version = await templateVersionAt(ctx.workspace.id, templateId, now);
  if (!version && template.awaitingApproval)
    throw AppError.field("templateId", await awaitingApprovalFor(ctx.workspace.id, templateId));
  if (!version) throw AppError.field("templateId", "The template has no saved version yet");
  await refuseBannedContent(ctx.workspace.id, version.channel, version.content, "templateId", templateId);
  return { channel: template.channel, templateId, content: version.content, inline: false };
}

/** Whom the message goes to: a profile (by userId, or one whose email/phone it is), or the bare address. */
async function recipientOf(
  ctx: WorkspaceContext,
  to: TSendMessage["to"],
  channel: Channel,
): Promise<{ profileId: string | null; person: Person; to: string | null }> {
  if ("userId" in to) {
    const person = await selectRecipientByUserId(pgPool(), ctx.workspace.id, to.userId);
    if (!person) throw AppError.field("to.userId", "No profile in this workspace has this userId");
    return { profileId: person.id, person, to: null };
  }
  const kind = "email" in to ? "email" : "phone";
  const address = "email" in to ? to.email : to.phone;
  if (ADDRESS_CHANNEL[kind] !== channel)
    throw AppError.field(
      `to.${kind}`,
      `A ${kind === "email" ? "an email address" : "phone number"} cannot receive ${CHANNEL_LABEL[channel]}; give to.userId${
        channel === "email" ? " or to.email" : channel === "sms" ? " or to.phone" : ""
      }`.replace("A an", "An"),
    );
  const person = await selectRecipientByAddress(pgPool(), ctx.workspace.id, kind, [
    ...new Set([address, address.toLowerCase()]),
  ]);
  if (person) return { profileId: person.id, person, to: null };
  return { profileId: null, person: addressOnlyPerson(channel, address), to: address };
}

/** Liquid's problems as request fields: a required `data.x` that is missing names `data.x`; anything else its content field. */
function renderIssues(errors: FieldIssue[]): FieldIssue[] {
  return errors.map((e) => {
    const variable = /Missing required variable (data(?:\.[\w-]+|\[[^\]]*\])+)/.exec(e.message)?.[1];
    return variable
      ? {
          path: variable.replace(/\[["']?([^"'\]]*)["']?\]/g, ".$1"),
          message: "is required by the content and missing",
        }
      : e;
  });
}

/** Checks and stores a transactional message; the caller answers with `response` and then delivers `queued`. */
export async function sendTransactional(
  ctx: WorkspaceContext,
  input: unknown,
  options: { idempotencyKeyHeader?: string | null; clock?: Clock } = {},
): Promise<SendOutcome> {
  requirePermission(ctx, "messages:send");
  const body = parseInput(ZSendMessage, input);
  const now = (options.clock ?? systemClock)();
  const key = idempotencyKeyOf(body, options.idempotencyKeyHeader ?? null);
  const hash = requestHash(body);
  const storedKey = `t:${ctx.workspace.id}:${key ?? `auto:${randomUUID()}`}`;
  if (key) {
    const existing = await selectMessageByIdempotencyKey(pgPool(), storedKey);
    if (existing) return replay(existing, hash);
  }

  const { channel, templateId, content, inline } = await contentToSend(ctx, body, now);
  const recipient = await recipientOf(ctx, body.to, channel);
  const topic = body.topic === undefined ? null : await usableTopic(ctx.workspace.id, { key: body.topic }, "topic");
  const id = randomUUID();
  const message = { id, journeyId: null, context: { data: body.data } };
  const locale = body.locale === undefined ? undefined : normalizeLocale(body.locale);
  const assets = await renderAssetsAt(ctx.workspace.id, now, (content as { layoutId?: string }).layoutId);
  // in the person's language, with what the template fetches, as delivery will render it (lib/content/prepare-render.ts)
  const prepared = await prepareRender({
    workspaceId: ctx.workspace.id,
    profileId: recipient.profileId,
    traits: recipient.person.traits,
    eventLocale: locale,
    channel,
    content,
    scope: buildScope(message, recipient.person, null, { addressOnly: !recipient.profileId && !topic }),
    assets,
    now,
  });
  if (prepared.stop) throw AppError.field("content", prepared.stop);
  const rendered = await renderIsolated(channel, prepared.content, prepared.scope, assets);
  if (rendered.errors.length) throw AppError.validation(renderIssues(rendered.errors));

  const stored = await insertTransactionalMessage(pgPool(), {
    id,
    workspaceId: ctx.workspace.id,
    profileId: recipient.profileId,
    channel,
    templateId,
    inlineContent: inline ? (content as Record<string, unknown>) : null,
    to: recipient.to,
    idempotencyKey: storedKey,
    // delivery reads `locale` as the trigger's language (eventLocaleOf)
    context: { data: body.data, requestHash: hash, ...(locale ? { locale } : {}) },
    topicId: topic?.id ?? null,
    now,
  });
  if (!stored) {
    // a concurrent request with the same key stored its message first
    const existing = await selectMessageByIdempotencyKey(pgPool(), storedKey);
    if (!existing) throw new Error(`the message of idempotency key ${storedKey} vanished`);
    return replay(existing, hash);
  }
  return { response: { id, status: "queued" }, status: 202, queued: stored };
}
