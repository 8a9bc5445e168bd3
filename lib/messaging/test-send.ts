import { z } from "zod";
import { requirePermission, requireUser, type WorkspaceContext } from "../auth/context";
import { AppError, parseInput } from "../errors";
import { loadProviderConfigs } from "./channel-config";
import { renderTemplate } from "./liquid";
import { ProviderError, sendEmail, sendSms } from "./providers";
import { previewScope, renderAssetsAt, validateContent } from "./templates";

/**
 * "Send a test to me" from the template editor: the content as it is in the editor (saved or not),
 * rendered for the chosen profile (or the sample), sent through the workspace's real channel. Email goes
 * to the signed-in user's address, SMS to the number given. No message row, no tracking: a test is not a
 * send to a customer, but it lands where real mail does (the Outbox by default).
 */
export const ZTestSend = z
  .object({
    channel: z.enum(["email", "sms"], { error: "Test sends are for email and SMS templates" }),
    content: z.record(z.string(), z.unknown(), { error: "must be the template's content" }),
    profileId: z.string().trim().min(1).max(200).nullish(),
    /** SMS only: the phone number to text, in E.164 form */
    to: z
      .string()
      .trim()
      .regex(/^\+[1-9]\d{6,14}$/, "must be a phone number in E.164 form, e.g. +15551234567")
      .optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (input.channel === "sms" && !input.to) ctx.addIssue({ code: "custom", path: ["to"], message: "Enter the phone number to text the test to" });
  });

export async function sendTestMessage(ctx: WorkspaceContext, input: unknown): Promise<{ to: string; response: string }> {
  requirePermission(ctx, "content:write");
  const user = requireUser(ctx);
  const { channel, content, profileId, to } = parseInput(ZTestSend, input);
  const validated = validateContent(channel, content);
  const { scope } = await previewScope(ctx, profileId);
  const layoutId = (validated as { layoutId?: string }).layoutId;
  const rendered = renderTemplate(channel, validated, scope, await renderAssetsAt(ctx.workspace.id, new Date(), layoutId));
  if (rendered.errors.length) throw AppError.validation(rendered.errors, "The template does not render, so no test was sent");
  const configs = await loadProviderConfigs(ctx.workspace.id);
  const idempotencyKey = `test:${ctx.workspace.id}:${Date.now()}`;
  try {
    if (channel === "email") {
      if (!configs.email) throw new AppError("conflict", "Email isn't set up: configure an SMTP server in Settings → Channels.");
      const f = rendered.fields;
      const result = await sendEmail(
        configs.email.smtp,
        { from: configs.email.from, to: user.email, replyTo: configs.email.replyTo, subject: `[Test] ${f.subject}`, html: f.html, text: f.text, headers: { "X-Cairn-Workspace-Id": ctx.workspace.id, "X-Cairn-Test": "true" } },
        { idempotencyKey, timeoutMs: 15_000 },
      );
      return { to: user.email, response: result.response };
    }
    if (!configs.sms) throw new AppError("conflict", "SMS isn't set up: configure a Twilio-compatible provider in Settings → Channels.");
    const result = await sendSms(configs.sms, { to: to!, body: rendered.fields.body }, { idempotencyKey, timeoutMs: 15_000 });
    return { to: to!, response: result.response };
  } catch (error) {
    if (error instanceof ProviderError) throw new AppError("provider_error", `The test was not sent: the provider answered “${error.message}”.`);
    throw error;
  }
}
