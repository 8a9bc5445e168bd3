import type { WorkspaceContext } from "../auth/context";
import { ROLE_LABELS, type RoleName } from "../auth/permissions";
import { recordAudit } from "../audit/audit-log";
import { db } from "../db/client";
import { loadProviderConfigs } from "../messaging/channel-config";
import { ProviderError, sendEmail } from "../messaging/providers";

/**
 * The invitation email: sent after the invitation has committed, through the workspace's email channel (its
 * own SMTP server, else the embedded one and its Outbox page), as "send a test to me" sends. A failure never
 * undoes the invitation: the caller gets the reason and still shows the copyable link.
 *
 * Exactly once, enough: one send per invitation, from the request that created it, with the idempotency key
 * `invitation:<id>` (so the Message-ID is the same should the same invitation ever be sent twice, and a
 * receiver can tell a copy from a new message). Inviting the same address again makes a NEW invitation (the
 * old link stops working), so its email is a new message on purpose. The outcome is recorded in the audit
 * log (`invitation.emailed` or `invitation.email_failed`, with the invitation id, the recipient and the
 * reason in its metadata) and returned; there is no column for it on the invitation. A process that dies
 * between the commit and the send leaves an invitation without an email and without that audit entry: the
 * admin saw no answer, and inviting again is the remedy (the same as "resend").
 */

export type InvitationEmailOutcome =
  | { sent: true; to: string; outbox: boolean }
  | { sent: false; to: string; reason: string };

/** Where invitation links point: the origin of links in sent messages, else the public URL, else the request's origin. */
export function invitationLinkOrigin(requestOrigin: string, env: NodeJS.ProcessEnv = process.env): string {
  return (env.CAIRN_PUBLIC_URL || env.NEXTAUTH_URL || requestOrigin).replace(/\/+$/, "");
}

export function invitationLink(origin: string, token: string): string {
  return `${origin}/invite/${encodeURIComponent(token)}`;
}

const SEND_TIMEOUT_MS = 15_000;
/** A reason short enough for one line under the form. */
const MAX_REASON = 200;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function shortReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const oneLine = message.replace(/\s+/g, " ").trim();
  return oneLine.length > MAX_REASON ? `${oneLine.slice(0, MAX_REASON - 1)}…` : oneLine;
}

export async function sendInvitationEmail(
  ctx: WorkspaceContext,
  invitation: { id: string; email: string; role: RoleName; invitedBy: string },
  link: string,
): Promise<InvitationEmailOutcome> {
  const to = invitation.email;
  let outcome: InvitationEmailOutcome;
  try {
    const configs = await loadProviderConfigs(ctx.workspace.id);
    if (!configs.email) {
      outcome = { sent: false, to, reason: "email isn't set up for this workspace (Settings → Channels)" };
    } else {
      const workspace = ctx.workspace.name;
      const role = ROLE_LABELS[invitation.role];
      const subject = `${invitation.invitedBy} invited you to ${workspace} on Cairn`;
      const text = `${invitation.invitedBy} invited you to join ${workspace} on Cairn as ${role}.\n\nAccept the invitation: ${link}\n\nThe link works once and expires in 7 days. If you did not expect this, ignore this email.\n`;
      const html =
        `<p>${escapeHtml(invitation.invitedBy)} invited you to join <strong>${escapeHtml(workspace)}</strong> on Cairn as ${escapeHtml(role)}.</p>` +
        `<p><a href="${escapeHtml(link)}">Accept the invitation</a></p>` +
        `<p style="color:#78716c">The link works once and expires in 7 days. If you did not expect this, ignore this email.</p>`;
      await sendEmail(
        configs.email.smtp,
        {
          from: configs.email.from,
          to,
          replyTo: configs.email.replyTo,
          subject,
          html,
          text,
          headers: { "X-Cairn-Workspace-Id": ctx.workspace.id },
        },
        { idempotencyKey: `invitation:${invitation.id}`, timeoutMs: SEND_TIMEOUT_MS },
      );
      outcome = { sent: true, to, outbox: configs.email.mode === "embedded" };
    }
  } catch (error) {
    // ProviderError messages are already stripped of secrets by the adapters; anything else is ours.
    outcome = {
      sent: false,
      to,
      reason: error instanceof ProviderError ? shortReason(error) : "the email could not be handed to the mail server",
    };
  }
  await recordAudit(db(), {
    workspaceId: ctx.workspace.id,
    actor: ctx.actor,
    action: outcome.sent ? "invitation.emailed" : "invitation.email_failed",
    targetType: "invitation",
    targetId: invitation.id,
    summary: outcome.sent
      ? `Emailed the invitation to ${to}`
      : `Could not email the invitation to ${to}: ${outcome.reason}`,
    metadata: outcome.sent ? { to, outbox: outcome.outbox } : { to, reason: outcome.reason },
  }).catch((error: unknown) => {
    // The send happened (or not) either way; a lost audit line must not turn the answer into an error.
    console.error(`invitation ${invitation.id}: could not record the email's outcome: ${shortReason(error)}`);
  });
  return outcome;
}
