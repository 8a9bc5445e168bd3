import { afterAll, beforeAll } from "vitest";
import { startOutboxSmtpServer, type OutboxSmtpServer } from "../messaging/outbox-smtp";
import { closeSmtpTransports } from "../messaging/providers";

/**
 * For the test file that calls it: the embedded Outbox SMTP server (a real one) on a free port for all its
 * tests, with email delivery pointed at it (CAIRN_EMBEDDED_SMTP), and everything closed afterwards.
 */
export function withEmbeddedOutbox(): void {
  let outbox: OutboxSmtpServer;
  beforeAll(async () => {
    outbox = await startOutboxSmtpServer({ port: 0, databaseUrl: process.env.DATABASE_URL! });
    process.env.CAIRN_EMBEDDED_SMTP = `127.0.0.1:${outbox.port}`;
  });
  afterAll(async () => {
    closeSmtpTransports();
    await outbox.close();
    delete process.env.CAIRN_EMBEDDED_SMTP;
  });
}
