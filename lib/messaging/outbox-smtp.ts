import { timingSafeEqual } from "node:crypto";
import { simpleParser } from "mailparser";
import pg from "pg";
import { SMTPServer } from "smtp-server";
import { withTransaction } from "../db/pool";
import { insertMessageEvent } from "./store/message-events";
import { insertOutboxEmail, markDeliveredByOutbox } from "./store/outbox";

/**
 * The embedded SMTP server: a real SMTP server (the `smtp-server` package) that `npm run dev` / `npm start`
 * run when no SMTP server is configured. Every mail it receives is stored in "OutboxEmail" and shown on the
 * Outbox page, and the message it carries (X-Cairn-Message-Id) becomes DELIVERED, as a mailbox provider's
 * delivery report would make it.
 *
 * Like Amazon SES's mailbox simulator, one address family answers differently: anything @bounce.cairn.test
 * is rejected with "550 5.1.1 No such user", so the bounce path can be tried without a real mailbox.
 *
 * Only Cairn may send here: a mail's X-Cairn-Workspace-Id / X-Cairn-Message-Id headers mark a message
 * DELIVERED, and any local process can reach the port. So SMTP AUTH is required (user OUTBOX_SMTP_USER and a
 * password generated into secrets.json, handed to the app as CAIRN_EMBEDDED_SMTP_PASSWORD); MAIL FROM before
 * AUTH is refused (530) and nothing is stored.
 */
export const BOUNCE_DOMAIN = "bounce.cairn.test";
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

/** The user name the app logs in with (lib/messaging/channel-config.ts embeddedSmtp()). */
export const OUTBOX_SMTP_USER = "cairn";

/** Constant-time comparison of a given credential with the expected one. */
function same(given: string | null | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? "", "utf8");
  const b = Buffer.from(expected, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface OutboxSmtpServer {
  port: number;
  close(): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `password`: what a client must log in with (AUTH PLAIN or LOGIN, user OUTBOX_SMTP_USER) before it may send. */
export async function startOutboxSmtpServer(options: {
  port: number;
  host?: string;
  databaseUrl: string;
  password: string;
  log?: (line: string) => void;
}): Promise<OutboxSmtpServer> {
  if (!options.password) throw new Error("The embedded SMTP server needs a password");
  const password = options.password;
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
  pool.on("error", (error) => options.log?.(`outbox database connection lost: ${error.message}`));

  const server = new SMTPServer({
    secure: false,
    authOptional: false,
    authMethods: ["PLAIN", "LOGIN"],
    // Plain TCP on loopback (no certificate to offer): credentials over it are fine there.
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    banner: "Cairn embedded SMTP (Outbox)",
    size: MAX_MESSAGE_BYTES,
    logger: false,
    onAuth(auth, _session, callback) {
      // Both compared in full (no early return), so timing does not tell which one was wrong.
      const userOk = same(auth.username, OUTBOX_SMTP_USER);
      const passwordOk = same(auth.password, password);
      if (!userOk || !passwordOk) {
        const error = new Error("5.7.8 Authentication credentials invalid") as Error & { responseCode: number };
        error.responseCode = 535;
        return callback(error);
      }
      callback(null, { user: OUTBOX_SMTP_USER });
    },
    onRcptTo(address, _session, callback) {
      if (address.address.toLowerCase().endsWith(`@${BOUNCE_DOMAIN}`)) {
        const error = new Error("5.1.1 No such user here") as Error & { responseCode: number };
        error.responseCode = 550;
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      if (session.user !== OUTBOX_SMTP_USER) {
        // smtp-server refuses MAIL FROM before AUTH already; this keeps it so if that ever changes.
        stream.resume();
        const error = new Error("5.7.0 Authentication required") as Error & { responseCode: number };
        error.responseCode = 530;
        return stream.on("end", () => callback(error));
      }
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        void store(raw, session.envelope)
          .then(() => callback())
          .catch((error: Error) => {
            options.log?.(`outbox could not store a mail: ${error.message}`);
            const failure = new Error("4.3.0 Could not store the message, try again") as Error & {
              responseCode: number;
            };
            failure.responseCode = 451;
            callback(failure);
          });
      });
    },
  });

  async function store(
    raw: string,
    envelope: { mailFrom: false | { address: string }; rcptTo: { address: string }[] },
  ): Promise<void> {
    const parsed = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
    const header = (name: string) => {
      const value = parsed.headers.get(name);
      return typeof value === "string" && UUID.test(value.trim()) ? value.trim() : null;
    };
    const workspaceId = header("x-cairn-workspace-id");
    const messageId = header("x-cairn-message-id");
    const now = new Date();
    await withTransaction(async (client) => {
      await insertOutboxEmail(client, {
        workspaceId,
        messageId,
        envelopeFrom: envelope.mailFrom ? envelope.mailFrom.address : "",
        envelopeTo: envelope.rcptTo.map((r) => r.address),
        subject: parsed.subject ?? "",
        raw,
        receivedAt: now,
      });
      // SENT → DELIVERED; a mail that arrives before the sender recorded SENT is marked delivered then too.
      if (messageId && workspaceId && (await markDeliveredByOutbox(client, messageId, workspaceId, now)))
        await insertMessageEvent(client, messageId, workspaceId, "delivered", now, {
          response: `In the Outbox (embedded SMTP) for ${envelope.rcptTo.map((r) => r.address).join(", ")}`,
        });
    }, pool); // the Outbox's own pool: it runs beside the app, on the database it was given
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => resolve());
  });
  server.on("error", (error) => options.log?.(`outbox SMTP error: ${error.message}`));
  const address = server.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return {
    port,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}
