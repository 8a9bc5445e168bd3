import { randomUUID } from "node:crypto";
import { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { AppError, type FieldIssue, parseInput } from "../errors";
import { loadProviderConfigs } from "../messaging/channel-config";
import type { Channel, WebhookContent } from "../messaging/liquid";
import { E164_PHONE, EMAIL_ADDRESS } from "../messaging/prepare-send";
import { ProviderError, sendEmail, sendSms } from "../messaging/providers";
import { renderIsolated } from "../messaging/render-pool";
import { sendTestMessage } from "../messaging/test-send";
import { previewScope } from "../messaging/templates/preview-template";
import { renderAssetsAt } from "../messaging/templates/published-versions";
import type { BroadcastTestSend } from "./broadcast-views";
import { chooseVariants, variantContent } from "./preview-broadcast";
import { type BroadcastRow, findBroadcast, webhookOf } from "./read-broadcasts";
import { type BroadcastVariant, ZTestSendBroadcast } from "./schemas";
import {
  broadcastWebhookScope,
  describeAnswer,
  makeWebhookRequest,
  webhookBroadcastRequest,
  webhookProviderError,
} from "./send/webhook-send";
import { systemClock } from "../runtime/clock";
import { requireChannelSetUp } from "./send-role";
import { prepareRender } from "../content/prepare-render";

/**
 * A variant sent as a test: rendered for the chosen person, through the workspace's real channel, to that person's
 * own address or to up to five given addresses (email, SMS). Push and in-app go to the person's devices or inbox
 * (lib/messaging/test-send.ts, which needs a signed-in member). Subjects and titles say [Test]; email carries
 * X-Cairn-Test. No Message row is written for email and SMS, so results never count a test. A webhook broadcast's
 * test is one real request to its URL (through the outbound guard, signed, with X-Cairn-Test), and shows the answer.
 */
export async function testSendBroadcast(
  ctx: WorkspaceContext,
  id: string,
  input: z.input<typeof ZTestSendBroadcast>,
): Promise<BroadcastTestSend> {
  requirePermission(ctx, "content:write");
  const { variant: key, profileId, to } = parseInput(ZTestSendBroadcast, input);
  const row = await findBroadcast(ctx, id);
  const [variant] = chooseVariants(row, key ?? undefined).slice(0, 1);
  if (!variant) throw AppError.field("variant", "this broadcast has no variant");
  const channel = row.channel as Channel;
  const { content } = await variantContent(ctx.workspace.id, variant);
  if (!content)
    throw AppError.field(
      "variant",
      `the template of variant ${variant.key} has no saved version, or none approved yet`,
    );
  if ((row.channel as string) === "webhook") return testSendWebhook(ctx, row, variant, content, profileId, to);

  if (channel === "push" || channel === "in_app") {
    if (to) throw AppError.field("to", "push and in-app tests go to the chosen person's devices or inbox");
    const { scope } = await previewScope(ctx, profileId);
    const userId = scope.profile.userId;
    if (!userId) throw AppError.field("profileId", "this person has no userId, so no device or inbox to reach");
    const result = await sendTestMessage(ctx, { channel, content, profileId, to: userId });
    return { variant: variant.key, sent: [result] };
  }

  await requireChannelSetUp(ctx.workspace.id, channel);
  const { scope, profile } = await previewScope(ctx, profileId).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "not_found")
      throw AppError.field("profileId", "is not a person of this workspace");
    throw error;
  });
  const own = channel === "email" ? scope.profile.email : scope.profile.phone?.replace(/[\s().-]/g, "");
  const addresses = to ?? (own ? [own] : []);
  if (!addresses.length)
    throw AppError.field(
      "to",
      `this person has no ${channel === "email" ? "email address" : "phone number"}; give one`,
    );
  const shape = channel === "email" ? EMAIL_ADDRESS : E164_PHONE;
  const bad: FieldIssue[] = addresses.flatMap((a, i) =>
    shape.test(a)
      ? []
      : [
          {
            path: to ? `to.${i}` : "profileId",
            message:
              channel === "email" ? `"${a}" is not an email address` : `"${a}" is not a phone number in E.164 form`,
          },
        ],
  );
  if (bad.length) throw AppError.validation(bad);

  const layoutId =
    typeof content.layoutId === "string" && z.uuid().safeParse(content.layoutId).success ? content.layoutId : null;
  const assets = await renderAssetsAt(ctx.workspace.id, new Date(), layoutId);
  // in the person's language, with what the template fetches (lib/content/prepare-render.ts)
  const prepared = await prepareRender({
    workspaceId: ctx.workspace.id,
    profileId: profile.id,
    traits: scope.profile.traits,
    channel,
    content,
    scope,
    assets,
    now: new Date(),
  });
  if (prepared.stop) throw AppError.field("content", prepared.stop);
  const rendered = await renderIsolated(channel, prepared.content, prepared.scope, assets);
  if (rendered.errors.length)
    throw AppError.validation(rendered.errors, "The template does not render, so no test was sent");
  const f = rendered.fields;
  const configs = await loadProviderConfigs(ctx.workspace.id);
  const sent: BroadcastTestSend["sent"] = [];
  try {
    for (const address of addresses) {
      const idempotencyKey = `test:${ctx.workspace.id}:${randomUUID()}`;
      if (channel === "email") {
        const email = configs.email!;
        const result = await sendEmail(
          email.smtp,
          {
            from: email.from,
            to: address,
            replyTo: email.replyTo,
            subject: `[Test] ${f.subject}`,
            html: f.html,
            text: f.text,
            headers: { "X-Cairn-Workspace-Id": ctx.workspace.id, "X-Cairn-Test": "true", "X-Cairn-Broadcast-Id": id },
          },
          { idempotencyKey, timeoutMs: 15_000 },
        );
        sent.push({ to: address, response: result.response, outbox: email.mode === "embedded" });
      } else {
        const result = await sendSms(
          configs.sms!,
          { to: address, body: `[Test] ${f.body}` },
          { idempotencyKey, timeoutMs: 15_000 },
        );
        sent.push({ to: address, response: result.response, outbox: false });
      }
    }
  } catch (error) {
    if (error instanceof ProviderError)
      throw new AppError(
        "provider_error",
        `The test was not sent${sent.length ? ` to all (${sent.length} went)` : ""}: the provider answered “${error.message}”.`,
      );
    throw error;
  }
  return { variant: variant.key, sent };
}

/**
 * One request, as a message of the broadcast would make it for this person, with a fresh Idempotency-Key (a test
 * is not a message) and X-Cairn-Test. Whatever the receiver answers is shown ("HTTP 404: …"): a test is there to
 * see it. No retry, no Message row.
 */
async function testSendWebhook(
  ctx: WorkspaceContext,
  row: BroadcastRow,
  variant: BroadcastVariant,
  content: Record<string, unknown>,
  profileId: string,
  to: string[] | undefined,
): Promise<BroadcastTestSend> {
  if (to) throw AppError.field("to", "a webhook test goes to the broadcast's URL");
  const settings = webhookOf(row);
  if (!settings) throw AppError.field("webhook.url", "Give the URL the requests go to");
  const { scope, profile } = await previewScope(ctx, profileId).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "not_found")
      throw AppError.field("profileId", "is not a person of this workspace");
    throw error;
  });
  const rendered = await renderIsolated(
    "webhook",
    content,
    broadcastWebhookScope(row, variant.key, { ...scope.profile, id: profile.id ?? profileId }),
    await renderAssetsAt(ctx.workspace.id, new Date()),
  );
  if (rendered.errors.length)
    throw AppError.validation(rendered.errors, "The template does not render, so no test was sent");
  const built = webhookBroadcastRequest(settings, content as WebhookContent, rendered.fields);
  if (!built.ok) throw AppError.validation([{ path: "variant", message: built.reason }], "No test was sent");
  const request = { ...built.request, headers: { ...built.request.headers, "X-Cairn-Test": "true" } };
  try {
    const response = await makeWebhookRequest(
      ctx.workspace.id,
      `test:${ctx.workspace.id}:${randomUUID()}`,
      request,
      systemClock,
    );
    return {
      variant: variant.key,
      sent: [{ to: settings.url, response: describeAnswer(response, 500), outbox: false }],
    };
  } catch (error) {
    throw new AppError("provider_error", `The test was not sent: ${webhookProviderError(error).message}`);
  }
}
