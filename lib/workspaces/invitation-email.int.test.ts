import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as inviteRoute } from "@/app/api/workspaces/[slug]/invitations/route";
import { db } from "../db/client";
import { saveChannelConfig } from "../messaging/channel-config";
import { callRoute } from "../testing/call-route";
import { withEmbeddedOutbox } from "../testing/embedded-outbox";
import { contextOf, createWorkspaceWithTeam, sessionCookie, uniqueEmail } from "../testing/factories";
import { startSmtpSink, type SmtpSink } from "../testing/local-provider-servers";
import { previewInvitation } from "./invitations";

withEmbeddedOutbox();

let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.close();
});

async function invite(team: Awaited<ReturnType<typeof createWorkspaceWithTeam>>, email: string) {
  return callRoute(inviteRoute, {
    method: "POST",
    params: { slug: team.slug },
    cookie: await sessionCookie(team.members.ADMIN),
    body: { email, role: "EDITOR" },
  });
}

describe("invitations are emailed", () => {
  it("inviting sends one email to the invitee, through the embedded Outbox by default, with the accept link", async () => {
    const team = await createWorkspaceWithTeam("Acme <Growth>");
    const email = uniqueEmail("invitee");
    const response = await invite(team, email);
    expect(response.status).toBe(201);
    expect(response.body.email).toEqual({ sent: true, to: email, outbox: true });
    const url = response.body.url as string;
    expect(url).toMatch(/^http:\/\/localhost:3000\/invite\/[A-Za-z0-9_-]{20,}$/);

    const mails = await db().outboxEmail.findMany({ where: { workspaceId: team.id } });
    expect(mails).toHaveLength(1);
    expect(mails[0].envelopeTo).toEqual([email]);
    const parsed = await simpleParser(mails[0].raw);
    expect(parsed.subject).toBe(`${team.members.ADMIN.email} invited you to Acme <Growth> on Cairn`);
    expect(parsed.text).toContain(url);
    expect(parsed.html).toContain(`href="${url}"`);
    // The workspace's name is text in the HTML, not markup.
    expect(parsed.html).toContain("Acme &lt;Growth&gt;");
    // The Message-ID comes from the invitation, so a repeat of this send would be recognisably the same message.
    expect(parsed.messageId).toBe(`<invitation=3A${response.body.invitation.id}@cairn>`);
    // The link in the email is the invitation's.
    expect((await previewInvitation(decodeURIComponent(url.split("/invite/")[1]))).email).toBe(email);
    const audit = await db().auditLog.findFirstOrThrow({
      where: { workspaceId: team.id, action: "invitation.emailed" },
    });
    expect(audit).toMatchObject({ targetId: response.body.invitation.id, metadata: { to: email, outbox: true } });
  });

  it("a failing SMTP server leaves the invitation created, says why, and keeps the link", async () => {
    const team = await createWorkspaceWithTeam();
    await saveChannelConfig(await contextOf(team, "OWNER"), "email", {
      settings: { mode: "smtp", fromAddress: "team@shop.example", host: sink.host, port: sink.port },
    });
    sink.failNext(1, 554, { message: "5.7.1 Relaying denied", stage: "rcpt" });
    const email = uniqueEmail("unlucky");
    const response = await invite(team, email);
    expect(response.status).toBe(201);
    expect(response.body.email).toMatchObject({ sent: false, to: email });
    expect(response.body.email.reason).toMatch(/Relaying denied/);
    expect(response.body.email.reason.length).toBeLessThanOrEqual(200);
    expect(response.body.url).toMatch(/\/invite\//);
    // The invitation stands, and its link works.
    expect(await db().invitation.count({ where: { workspaceId: team.id, email, revokedAt: null } })).toBe(1);
    expect(
      (await previewInvitation(decodeURIComponent((response.body.url as string).split("/invite/")[1]))).email,
    ).toBe(email);
    expect(sink.received.filter((m) => m.parsed.to && JSON.stringify(m.parsed.to).includes(email))).toHaveLength(0);
    const audit = await db().auditLog.findFirstOrThrow({
      where: { workspaceId: team.id, action: "invitation.email_failed" },
    });
    expect(audit.metadata).toMatchObject({ to: email, reason: response.body.email.reason });

    // With the server answering again, the next invitation goes out through it (not the Outbox).
    const next = await invite(team, uniqueEmail("lucky"));
    expect(next.body.email).toMatchObject({ sent: true, outbox: false });
    expect(sink.received.filter((m) => m.parsed.text?.includes(next.body.url as string))).toHaveLength(1);
  });
});
