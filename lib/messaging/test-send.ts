import { randomUUID } from "node:crypto";
import { z } from "zod";
import { requirePermission, requireUser, type WorkspaceContext } from "../auth/context";
import { pgPool } from "../db/pool";
import { AppError, parseInput } from "../errors";
import { normalizeLocale } from "../content/locales/locale-chain";
import { prepareRender } from "../content/prepare-render";
import { loadProviderConfigs } from "./channel-config";
import { pushToDevices, reachableDevices } from "./push-devices";
import { insertTestInboxMessage } from "./store/inbox";
import { selectPersonByUserId } from "./store/recipients";
import { renderIsolated } from "./render-pool";
import { ProviderError, sendEmail, sendSms } from "./providers";
import { validateContent } from "./templates/check-content";
import { previewScope } from "./templates/preview-template";
import { renderAssetsAt } from "./templates/published-versions";
import { ZPreviewEvent } from "./templates/schemas";

/**
 * "Send a test to me" from the template editor: the content as it is in the editor (saved or not),
 * rendered for the chosen profile (or the sample), sent through the workspace's real channel. Email goes
 * to the signed-in user's address, SMS to the number given; push and in-app go to a person of this
 * workspace named by userId (the marketer's own account in the app): push to that person's devices, in-app
 * into their inbox. No tracking: a test is not a send to a customer, but it lands where real messages do
 * (the Outbox by default). Email, SMS and push leave no message row; an in-app test is a row, because the
 * inbox is the messages delivered to the person (marked as a test, outside every journey and cap).
 */
const TEST_CHANNELS = ["email", "sms", "push", "in_app"] as const;
export const ZTestSend = z
  .object({
    channel: z.enum(TEST_CHANNELS, { error: "Test sends are for email, SMS, push and in-app templates" }),
    content: z.record(z.string(), z.unknown(), { error: "must be the template's content" }),
    profileId: z.string().trim().min(1).max(200).nullish(),
    /** the event `event.*` renders with (a stored, catalog or typed one); omitted or null: the sample event */
    event: ZPreviewEvent.nullish(),
    /** render this locale's translation (lib/content/locales); omitted or null: the profile's own locale */
    locale: z.string().trim().max(64, "At most 64 characters").nullish(),
    /** SMS: the phone number to text, in E.164 form; push and in-app: the userId of the person to send to */
    to: z.string().trim().max(200).optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (input.channel === "sms" && !input.to)
      ctx.addIssue({ code: "custom", path: ["to"], message: "Enter the phone number to text the test to" });
    else if (input.channel === "sms" && !/^\+[1-9]\d{6,14}$/.test(input.to!))
      ctx.addIssue({
        code: "custom",
        path: ["to"],
        message: "must be a phone number in E.164 form, e.g. +15551234567",
      });
    if ((input.channel === "push" || input.channel === "in_app") && !input.to)
      ctx.addIssue({ code: "custom", path: ["to"], message: "Enter the userId of your own account in the app" });
  });

export interface TestSendResult {
  to: string;
  response: string;
  /** true when the test went to the embedded SMTP server, so it is on the Outbox page */
  outbox: boolean;
}

/** The person a userId names in this workspace (the one they were merged into, if so). */
async function personOf(workspaceId: string, userId: string): Promise<{ id: string; pushTokens: { token: string }[] }> {
  const person = await selectPersonByUserId(pgPool(), workspaceId, userId);
  if (!person)
    throw AppError.validation([{ path: "to", message: `No person with userId "${userId}" in this workspace` }]);
  return person;
}

export async function sendTestMessage(ctx: WorkspaceContext, input: unknown): Promise<TestSendResult> {
  requirePermission(ctx, "content:write");
  const user = requireUser(ctx);
  const { channel, content, profileId, event, to, locale } = parseInput(ZTestSend, input);
  const forceLocale = locale ? normalizeLocale(locale) : null;
  if (locale && !forceLocale) throw AppError.field("locale", "is not a language tag, e.g. de or pt-BR");
  const validated = validateContent(channel, content);
  const { scope, profile } = await previewScope(ctx, profileId, event);
  const layoutId = (validated as { layoutId?: string }).layoutId;
  const assets = await renderAssetsAt(ctx.workspace.id, new Date(), layoutId);
  // in the chosen (or the profile's) locale, with what the template fetches (lib/content/prepare-render.ts)
  const prepared = await prepareRender({
    workspaceId: ctx.workspace.id,
    profileId: profile.id,
    traits: scope.profile.traits,
    channel,
    content: validated,
    scope,
    assets,
    now: new Date(),
    forceLocale,
  });
  if (prepared.stop) throw AppError.field("content", prepared.stop);
  const rendered = await renderIsolated(channel, prepared.content, prepared.scope, assets);
  if (rendered.errors.length)
    throw AppError.validation(rendered.errors, "The template does not render, so no test was sent");
  const configs = await loadProviderConfigs(ctx.workspace.id);
  const idempotencyKey = `test:${ctx.workspace.id}:${randomUUID()}`;
  const f = rendered.fields;
  try {
    switch (channel) {
      case "email": {
        if (!configs.email)
          throw new AppError("conflict", "Email isn't set up: configure an SMTP server in Settings → Channels.");
        const result = await sendEmail(
          configs.email.smtp,
          {
            from: configs.email.from,
            to: user.email,
            replyTo: configs.email.replyTo,
            subject: `[Test] ${f.subject}`,
            html: f.html,
            text: f.text,
            headers: { "X-Cairn-Workspace-Id": ctx.workspace.id, "X-Cairn-Test": "true" },
          },
          { idempotencyKey, timeoutMs: 15_000 },
        );
        return { to: user.email, response: result.response, outbox: configs.email.mode === "embedded" };
      }
      case "sms": {
        if (!configs.sms)
          throw new AppError(
            "conflict",
            "SMS isn't set up: configure a Twilio-compatible provider in Settings → Channels.",
          );
        const result = await sendSms(configs.sms, { to: to!, body: f.body }, { idempotencyKey, timeoutMs: 15_000 });
        return { to: to!, response: result.response, outbox: false };
      }
      case "push": {
        if (!configs.web_push && !configs.fcm)
          throw new AppError("conflict", "Push isn't set up: configure Web Push or FCM in Settings → Channels.");
        const person = await personOf(ctx.workspace.id, to!);
        const devices = reachableDevices(
          person.pushTokens.map((t) => t.token),
          configs,
        );
        if (!devices.length)
          throw AppError.validation([
            { path: "to", message: `${to} has no device this workspace's push providers can reach` },
          ]);
        const push = {
          title: `[Test] ${f.title}`,
          body: f.body,
          deepLink: f.deepLink || undefined,
          imageUrl: f.imageUrl || undefined,
          data: { cairnTest: "true" },
        };
        const { acceptedCount: accepted, refusals } = await pushToDevices(configs, devices, push, {
          idempotencyKey,
          timeoutMs: 15_000,
        });
        const lastError = refusals.at(-1)?.error ?? null;
        if (!accepted) throw lastError!;
        return {
          to: `${to} (${accepted} of ${devices.length} device${devices.length === 1 ? "" : "s"})`,
          response: lastError ? `Some devices refused it: ${lastError.message}` : "Accepted by the push service",
          outbox: false,
        };
      }
      case "in_app": {
        const person = await personOf(ctx.workspace.id, to!);
        const now = new Date();
        const message = {
          title: `[Test] ${f.title}`,
          body: f.body,
          cta: f["cta.label"] ? { label: f["cta.label"], url: f["cta.url"] } : null,
        };
        await insertTestInboxMessage(
          pgPool(),
          {
            id: randomUUID(),
            workspaceId: ctx.workspace.id,
            profileId: person.id,
            idempotencyKey,
            context: { test: true, sentBy: user.email },
            to: to!,
            content: message,
          },
          now,
        );
        return { to: `${to}'s inbox`, response: "In the inbox", outbox: false };
      }
    }
  } catch (error) {
    if (error instanceof ProviderError)
      throw new AppError("provider_error", `The test was not sent: the provider answered “${error.message}”.`);
    throw error;
  }
}
