import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startExecutor, type RunningExecutor } from "../../inngest/executor/executor";
import { db } from "../db/client";
import { pgPool } from "../db/pool";
import { freePort } from "../testing/free-port";
import { setUpFreshDatabase } from "../testing/fresh-database";

/**
 * The app (its real Inngest endpoint, every function) in a child process, killed with SIGKILL while a journey
 * walk is delivering the messages it just queued, then started again: every message reaches the provider
 * exactly once. The walk commits its 40 QUEUED messages and delivers them up to 16 at a time; the kill lands
 * when 8 are sent, every walk worker waits in a provider call (claimed, no answer yet) and the rest were never
 * claimed. The claimed ones come back when their claim lapses; the never-claimed ones have no run and no mark
 * a sweep looks for, unless the due sweep also owns messages nobody touched for a while (UNCLAIMED_GRACE_MS in
 * lib/messaging/delivery.ts, claimDueMessages). Before that clause: 24 of 40 sent, 16 QUEUED for good.
 */

const PEOPLE = 40;
/** the provider accepts this many, then holds every later call unanswered until the app is killed */
const ACCEPTED_BEFORE_KILL = 8;
/** the restarted app's clock runs this far ahead: the killed walk's claims lapsed and every grace has passed */
const RESTART_LATER_MS = 5 * 60_000;

setUpFreshDatabase();

/**
 * An SMTP provider that counts what it accepts (by Message-ID, the idempotency key a real provider drops
 * repeats by), and that, once `acceptFirst` are accepted, holds every message after its DATA without an answer
 * until `open()`: a send is either accepted and counted, or never was.
 */
async function startGatedSink(acceptFirst: number) {
  const accepted: string[] = [];
  let acceptedCount = 0;
  let held = 0;
  let gateOpen = false;
  const release: (() => void)[] = [];
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    closeTimeout: 50,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", async () => {
        if (!gateOpen && acceptedCount >= acceptFirst) {
          held++;
          release.push(() => callback(Object.assign(new Error("4.3.2 Shutting down"), { responseCode: 421 })));
          return;
        }
        acceptedCount++;
        const parsed = await simpleParser(Buffer.concat(chunks));
        accepted.push(parsed.messageId ?? "(none)");
        callback(null, "2.0.0 OK");
      });
    },
  });
  server.on("error", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    port: (server.server.address() as AddressInfo).port,
    accepted,
    held: () => held,
    open() {
      gateOpen = true;
      for (const answer of release.splice(0)) answer();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let executor: RunningExecutor;
let appPort: number;
let app: ChildProcess | null = null;

function startApp(clockShiftMs = 0): Promise<ChildProcess> {
  // `node --import tsx`, not the tsx CLI: the CLI runs the script in a grandchild that SIGKILL would miss.
  const child = spawn(process.execPath, ["--import", "tsx", path.join("lib", "testing", "inngest-app-server.ts")], {
    env: {
      ...process.env,
      CAIRN_TEST_APP_PORT: String(appPort),
      CAIRN_TEST_CLOCK_SHIFT_MS: String(clockShiftMs),
      INNGEST_SERVE_ORIGIN: `http://127.0.0.1:${appPort}`,
      // the provider is a local server (the outbound guard lets only listed private addresses through)
      CAIRN_OUTBOUND_ALLOW: "127.0.0.1",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`app exited with ${code}`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("listening")) resolve(child);
    });
  });
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

beforeAll(async () => {
  appPort = await freePort();
  const appUrl = `http://127.0.0.1:${appPort}/api/inngest`;
  // deliver-due runs on wake-due's cron: every second here
  process.env.CAIRN_WAKE_DUE_CRON = "* * * * * *";
  process.env.INNGEST_DEV = "1";
  // in this process: it is the app that is killed (lib/testing/executor-harness.ts would import the Inngest client too early)
  executor = await startExecutor({
    databaseUrl: process.env.DATABASE_URL!,
    port: 0,
    schema: `cairn_delivery_crash_${randomBytes(3).toString("hex")}`,
    appUrl,
    pollMs: 50,
    retryDelayMs: () => 200,
    unreachableRetryMs: 200,
    log: () => {},
  });
  // before the Inngest client is imported: it reads where to send events when it is created
  process.env.INNGEST_BASE_URL = executor.url;
});

afterAll(async () => {
  app?.kill("SIGKILL");
  await executor?.stop(1_000);
});

describe("the app killed while a walk delivers the messages it queued", () => {
  it("sends every message exactly once after a restart, the never-claimed ones too", async () => {
    const { saveChannelConfig } = await import("./channel-config");
    const { setup } = await import("../testing/messaging-fixtures");
    const { ingest } = await import("../ingest/ingest");
    const { dispatchPendingEvents } = await import("../ingest/dispatch");
    const { inngest } = await import("@/lib/jobs");

    const sink = await startGatedSink(ACCEPTED_BEFORE_KILL);
    const s = await setup();
    await saveChannelConfig(s.owner, "email", {
      settings: { mode: "smtp", fromAddress: "news@shop.example", host: "127.0.0.1", port: sink.port },
    });

    app = await startApp();
    await executor.sync();
    // One batch, one process-event run: one walk queues all 40 messages and delivers them.
    const batch = Array.from({ length: PEOPLE }, (_, i) => [
      {
        type: "identify",
        userId: `crash-${i}`,
        traits: { email: `crash-${i}@example.com`, first_name: `P${i}` },
        messageId: `id-${s.journeyId}-${i}`,
      },
      { type: "track", userId: `crash-${i}`, event: "signed_up", messageId: `tr-${s.journeyId}-${i}` },
    ]).flat();
    await ingest(s.ctx, JSON.stringify({ batch }), "batch");
    await dispatchPendingEvents(inngest as unknown as Parameters<typeof dispatchPendingEvents>[0]);

    // Mid-delivery: some sent, every walk worker inside a provider call, the rest queued and not yet claimed.
    // (Held calls stop growing once every worker waits on one; long before the client's 15 s timeout.)
    let last = -1;
    let stableSince = Date.now();
    const settled = () => {
      if (sink.held() !== last) [last, stableSince] = [sink.held(), Date.now()];
      return last > 0 && Date.now() - stableSince >= 1_500;
    };
    const messages = () =>
      db().message.findMany({
        where: { journeyId: s.journeyId },
        select: { id: true, status: true, claimedUntil: true },
      });
    // and the accepted ones recorded: on a loaded machine the records can trail the held calls by seconds
    const recorded = async () => (await messages()).filter((m) => m.status === "SENT").length === ACCEPTED_BEFORE_KILL;
    expect(await until(async () => settled() && (await recorded()), 60_000)).toBe(true);
    app.kill("SIGKILL");
    await new Promise((r) => app!.once("exit", r));
    const atKill = await messages();
    expect(atKill).toHaveLength(PEOPLE);
    expect(atKill.filter((m) => m.status === "SENT")).toHaveLength(ACCEPTED_BEFORE_KILL);
    const neverClaimed = atKill.filter((m) => m.status === "QUEUED" && !m.claimedUntil).length;
    expect(neverClaimed).toBeGreaterThan(0);
    sink.open();

    // The app comes back (its clock minutes later: the claims lapsed, every grace is over).
    app = await startApp(RESTART_LATER_MS);
    await until(() => sink.accepted.length >= PEOPLE, 90_000);
    // a moment more, so that a second send of anything would have arrived too
    await until(async () => (await messages()).every((m) => m.status === "SENT"), 10_000);
    await new Promise((r) => setTimeout(r, 2_000));
    app.kill("SIGTERM");
    await sink.close();

    // On a mismatch the statuses say where the missing message stopped (queued, claimed, failed...).
    const statuses: Record<string, number> = {};
    for (const m of await messages()) statuses[m.status] = (statuses[m.status] ?? 0) + 1;
    expect({ accepted: sink.accepted.length, statuses }).toEqual({ accepted: PEOPLE, statuses: { SENT: PEOPLE } });
    expect(new Set(sink.accepted).size).toBe(PEOPLE);
    const { rows } = await pgPool().query<{ sent: string }>(
      `SELECT count(*) FILTER (WHERE e.type = 'sent') AS sent FROM "Message" m JOIN "MessageEvent" e ON e."messageId" = m.id WHERE m."journeyId" = $1 GROUP BY m.id`,
      [s.journeyId],
    );
    expect(rows.map((r) => Number(r.sent))).toEqual(Array(PEOPLE).fill(1));
  }, 240_000);
});
