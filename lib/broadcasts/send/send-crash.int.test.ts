import { type ChildProcess, spawn } from "node:child_process";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { SMTPServer } from "smtp-server";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "../../db/client";
import { pgPool } from "../../db/pool";
import { setUpFreshDatabase } from "../../testing/fresh-database";
import { sendFixture, statuses } from "./send-test-fixtures";

/**
 * The kill test of the broadcast sender: a child process sends a broadcast of 2,000 personalised emails to a real
 * SMTP server in this process, is killed with SIGKILL mid-send, and a second one (its clock minutes later, so the
 * first one's claims lapsed) finishes. Every person gets the email; nobody gets two different ones; the only
 * repeats are copies of one message (same Message-ID, which a receiver drops) that were in flight at the kill:
 * at most two batches (a link records one batch while the next sends), 400; the database says SENT for all, each with one `sent` entry.
 */

const PEOPLE = 2_000;
const BATCH = 200;
const KILL_AFTER = 700;

setUpFreshDatabase();

/** An SMTP server that counts what it accepts: recipient, Message-ID and the message id Cairn put in a header. */
async function startCountingSink() {
  const accepted: { to: string; messageId: string; cairnId: string; subject: string }[] = [];
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    closeTimeout: 50,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const header = (name: string) => new RegExp(`^${name}: *(.*)$`, "mi").exec(raw)?.[1]?.trim() ?? "";
        accepted.push({
          to: session.envelope.rcptTo[0]?.address ?? "",
          messageId: header("Message-ID"),
          cairnId: header("X-Cairn-Message-Id"),
          subject: header("Subject"),
        });
        callback(null, "2.0.0 OK");
      });
    },
  });
  server.on("error", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    port: (server.server.address() as AddressInfo).port,
    accepted,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let child: ChildProcess | null = null;
afterAll(() => {
  child?.kill("SIGKILL");
});

function startSender(broadcastId: string, clockShiftMs: number): { process: ChildProcess; exited: Promise<number> } {
  // `node --import tsx`, not the tsx CLI: the CLI runs the script in a grandchild that SIGKILL would miss
  const sender = spawn(
    process.execPath,
    ["--import", "tsx", path.join("lib", "broadcasts", "send", "send-crash-child.ts")],
    {
      env: {
        ...process.env,
        CAIRN_TEST_BROADCAST_ID: broadcastId,
        CAIRN_TEST_CLOCK_SHIFT_MS: String(clockShiftMs),
        CAIRN_OUTBOUND_ALLOW: "127.0.0.1",
      },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  sender.stdout!.resume();
  const exited = new Promise<number>((resolve) =>
    sender.once("exit", (code, signal) => resolve(code ?? (signal ? -1 : 0))),
  );
  return { process: sender, exited };
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

describe("the sender killed mid-send", () => {
  it("resumes where it was: everyone gets the email once, repeats only of the batches in flight", async () => {
    const sink = await startCountingSink();
    const f = await sendFixture({ smtpPort: sink.port, people: PEOPLE, audience: "segment" });

    const first = startSender(f.broadcastId, 0);
    child = first.process;
    expect(await until(() => sink.accepted.length >= KILL_AFTER, 120_000)).toBe(true);
    first.process.kill("SIGKILL");
    expect(await first.exited).toBe(-1);
    const atKill = sink.accepted.length;
    expect(atKill).toBeLessThan(PEOPLE);

    const second = startSender(f.broadcastId, 5 * 60_000);
    child = second.process;
    expect(await second.exited).toBe(0);
    await sink.close();

    // every person, exactly one message each; repeats are copies of one message, only the batch in flight
    const byPerson = new Map<string, Set<string>>();
    for (const mail of sink.accepted) byPerson.set(mail.to, (byPerson.get(mail.to) ?? new Set()).add(mail.messageId));
    expect(byPerson.size).toBe(PEOPLE);
    expect([...byPerson.values()].filter((ids) => ids.size !== 1)).toEqual([]);
    const copies = sink.accepted.length - PEOPLE;
    expect(copies).toBeGreaterThanOrEqual(0);
    expect(copies).toBeLessThanOrEqual(2 * BATCH);
    // each person got their own email (the check of a personalised field)
    const sample = sink.accepted.find((m) => m.to === "reader-7@example.com");
    expect(sample?.subject).toBe("Hello Reader7");

    expect(await statuses(f.broadcastId)).toEqual({ SENT: PEOPLE });
    const { rows } = await pgPool().query<{ sent: number; n: number }>(
      `SELECT sent::int, count(*)::int AS n FROM (
         SELECT m.id, count(e.id) FILTER (WHERE e.type = 'sent') AS sent FROM "Message" m
           LEFT JOIN "MessageEvent" e ON e."messageId" = m.id WHERE m."broadcastId" = $1 GROUP BY m.id) per GROUP BY sent`,
      [f.broadcastId],
    );
    expect(rows).toEqual([{ sent: 1, n: PEOPLE }]);
    const broadcast = await db().broadcast.findUniqueOrThrow({ where: { id: f.broadcastId } });
    expect(broadcast).toMatchObject({ status: "SENT", audienceCount: PEOPLE });
    console.log(`[send-crash] accepted at the kill: ${atKill}; copies after the restart: ${copies}`);
  }, 300_000);
});
