import { randomBytes } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import { startOutboxSmtpServer, type OutboxSmtpServer } from "../messaging/outbox-smtp";
import { closeSmtpTransports } from "../messaging/providers";

/**
 * For the test file that calls it: the embedded Outbox SMTP server (a real one) on a free port for all its
 * tests, with a password of its own, and email delivery pointed at it (CAIRN_EMBEDDED_SMTP and
 * CAIRN_EMBEDDED_SMTP_PASSWORD, as scripts/cairn.ts sets them), and everything closed afterwards.
 */
export function withEmbeddedOutbox(): { port(): number } {
  let outbox: OutboxSmtpServer;
  beforeAll(async () => {
    const password = randomBytes(18).toString("base64url");
    outbox = await startOutboxSmtpServer({ port: 0, databaseUrl: process.env.DATABASE_URL!, password });
    process.env.CAIRN_EMBEDDED_SMTP = `127.0.0.1:${outbox.port}`;
    process.env.CAIRN_EMBEDDED_SMTP_PASSWORD = password;
  });
  afterAll(async () => {
    closeSmtpTransports();
    await outbox.close();
    delete process.env.CAIRN_EMBEDDED_SMTP;
    delete process.env.CAIRN_EMBEDDED_SMTP_PASSWORD;
  });
  return { port: () => outbox.port };
}
