import nodemailer from "nodemailer";
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { withEmbeddedOutbox } from "../testing/embedded-outbox";
import { messageRow, queueFor, setup } from "../testing/messaging-fixtures";
import { embeddedSmtp } from "./channel-config";

const outbox = withEmbeddedOutbox();

/**
 * Hardening item 8: the embedded SMTP server took mail from anyone on the machine, and its X-Cairn headers
 * flip a message to DELIVERED. Now it takes only mail from a client that logged in with the generated password.
 */
describe("the embedded SMTP server (Outbox)", () => {
  const mailFor = (workspaceId: string, messageId: string) => ({
    from: "someone@attacker.test",
    to: "ada@example.com",
    subject: "forged",
    text: "forged",
    headers: { "X-Cairn-Workspace-Id": workspaceId, "X-Cairn-Message-Id": messageId },
  });
  const transport = (auth?: { user: string; pass: string }) =>
    nodemailer.createTransport({
      host: "127.0.0.1",
      port: outbox.port(),
      secure: false,
      ignoreTLS: true,
      ...(auth ? { auth } : {}),
    });

  it("refuses mail without AUTH, or with a wrong password, and changes nothing", async () => {
    const s = await setup();
    const id = await queueFor(s, "ada", { email: "ada@example.com" });
    const before = await messageRow(id);

    await expect(transport().sendMail(mailFor(s.ctx.workspace.id, id))).rejects.toMatchObject({ responseCode: 530 });
    await expect(
      transport({ user: "cairn", pass: "guess" }).sendMail(mailFor(s.ctx.workspace.id, id)),
    ).rejects.toMatchObject({ responseCode: 535 });
    await expect(
      transport({ user: "outbox", pass: process.env.CAIRN_EMBEDDED_SMTP_PASSWORD! }).sendMail(
        mailFor(s.ctx.workspace.id, id),
      ),
    ).rejects.toMatchObject({ responseCode: 535 });

    expect(await messageRow(id)).toEqual(before);
    expect(await db().outboxEmail.count({ where: { messageId: id } })).toBe(0);
  });

  it("takes mail from the app's own credentials (embeddedSmtp()) and marks the message delivered", async () => {
    const s = await setup();
    const id = await queueFor(s, "grace", { email: "grace@example.com" });
    const config = embeddedSmtp()!;
    expect(config).toMatchObject({ host: "127.0.0.1", port: outbox.port(), user: "cairn" });
    expect(config.password).toBe(process.env.CAIRN_EMBEDDED_SMTP_PASSWORD);
    await transport({ user: config.user!, pass: config.password! }).sendMail(mailFor(s.ctx.workspace.id, id));
    expect((await messageRow(id)).status).toBe("DELIVERED");
    expect(await db().outboxEmail.count({ where: { messageId: id } })).toBe(1);
  });
});
