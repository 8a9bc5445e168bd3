/**
 * npm run bench:broadcast — a broadcast of one personalised email to a segment of a million people, through the
 * real send path to an SMTP server, against a bare nodemailer loop in the same run (issue #19, "Speed").
 *
 *   1. a fresh database: on DATABASE_URL's server (default: the local Postgres at 127.0.0.1:5432; dropped at the
 *      end), or with --pglite the embedded database (PGlite, in a process of its own, with a data directory);
 *   2. an SMTP sink in a child process (broadcast/smtp-sink.ts): accepts and counts every message, notes the first
 *      and the last and any Message-ID seen twice; the workspace's email channel is SMTP to it on 127.0.0.1;
 *   3. the audience (broadcast/seed-audience.ts): --profiles N people (default 1,000,000) with an email and the
 *      traits first_name and plan, in a manual segment, synthesized in SQL; a template using both traits in its
 *      subject and body. Setup time is printed, not counted;
 *   4. baseline (broadcast/bare-loop.ts): --baseline M of the same emails (default min(N, 200,000)), rendered
 *      beforehand, sent by a bare pooled nodemailer transport with the adapter's pool size; the number in flight is
 *      tuned first (3, 12, 48, 200 on M/10 messages each) and the fastest is used;
 *   5. the broadcast (broadcast/drive-send.ts): "send now", then the send chain driven in this process the way the
 *      send-broadcast Inngest function drives it, link after link (--chains K of them side by side), until the
 *      broadcast is done. In-process: the Inngest round trip between two links (an event to the executor, an HTTP
 *      call back) is milliseconds beside a link's thousands of messages;
 *   6. the figures: send now → first message, messages/s over the middle 80 %, send now → last message, the CPU
 *      of the Node process (the sender, with its render workers and SMTP sender threads), of the database server
 *      and of the sink, as cores over that time; the bare loop's rate and the ratio; the targets beside them; how
 *      busy the main thread and each SMTP sender thread were (event-loop utilisation: the one near 100 % limits).
 * Exits 1 only on a broken run (not every message delivered exactly once), never on a missed target.
 * Options: --profiles N, --baseline M, --chains K, --pglite; BENCH_KEEP_DB=1 keeps the Postgres database.
 */
import os from "node:os";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { runBareLoop } from "./broadcast/bare-loop";
import { cpuBetween, cpuOfPids, postmasterOf, treeCpuMs } from "./broadcast/cpu";
import { broadcastFigures, brokenRunProblems, figureRows, formatTable } from "./broadcast/figures";
import { parseBenchOptions } from "./broadcast/options";
import { startPgliteDatabase } from "./broadcast/pglite-database";
import { seedAudience } from "./broadcast/seed-audience";
import { startSink } from "./broadcast/sink-client";
import { freshDatabase, runBench, type BenchDatabase } from "./harness";

// The sink listens on 127.0.0.1, which the outbound guard (lib/security/outbound.ts) refuses like any private
// address unless the operator allows it; the channel's settings are checked against it too when saved.
process.env.CAIRN_OUTBOUND_ALLOW ??= "127.0.0.0/8,::1";
process.env.CAIRN_ENCRYPTION_KEY ??= "bench";
// No Inngest in this process: the bench drives the send chain itself, and sends no other jobs.
process.env.CAIRN_BACKGROUND_JOBS = "off";

const {
  profiles: PROFILES,
  baseline: BASELINE,
  chains: CHAINS,
  pglite: PGLITE,
} = parseBenchOptions(process.argv.slice(2), process.env);

const log = (line: string) => console.log(`  ${line}`);
const n = (x: number) => x.toLocaleString("en");
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const percent = (x: number) => `${Math.round(x * 100)} %`;
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(" ");

async function main() {
  const database: BenchDatabase & { pid?: number } = PGLITE
    ? await startPgliteDatabase()
    : await freshDatabase("cairn_bench_broadcast");
  process.env.DATABASE_URL = database.url;
  const sink = await startSink();
  const loadAtStart = load();
  try {
    const setupStarted = performance.now();
    console.log(`setup: ${n(PROFILES)} people, the SMTP sink on 127.0.0.1:${sink.port}`);
    const audience = await seedAudience(database.url, { profiles: PROFILES, smtpPort: sink.port, log });
    console.log(`setup took ${((performance.now() - setupStarted) / 1000).toFixed(1)} s (not counted)`);

    console.log(`baseline: a bare pooled nodemailer loop, pre-rendered bodies`);
    const bare = await runBareLoop(sink, BASELINE, Math.max(1_000, Math.round(BASELINE / 10)), log);
    log(
      `${n(bare.best.messages)} messages with ${bare.best.concurrency} in flight: ${n(Math.round(bare.best.perSecond))} msgs/s`,
    );

    const { createBroadcastToSend, notSentReasons, sendNowAndDrive, warmWorkers } = await import(
      "./broadcast/drive-send"
    );
    const broadcastId = await createBroadcastToSend(audience);
    // A running Cairn has its render workers and SMTP sender threads up (started at boot); this process has not yet.
    log(
      `render workers and SMTP sender threads started (as in a running app, not counted): ${secs(await warmWorkers())}`,
    );
    // The database's CPU: PGlite's process; or, on a Postgres on this machine, the backends of this benchmark's
    // database and the server's own processes (WAL writer, checkpointer…), not other databases' backends: the
    // server may be shared (other people's tests), and counting its whole process tree counted their work too.
    const postgres = PGLITE ? null : await postgresOnThisMachine(database.url);
    const databaseCpu = async () =>
      PGLITE
        ? new Map([[database.pid!, treeCpuMs(database.pid!) ?? 0]])
        : postgres
          ? cpuOfPids(await postgres.pids())
          : null;
    const nodeCpu = () => treeCpuMs(process.pid, [sink.pid, ...(database.pid ? [database.pid] : [])]);
    await sink.reset();
    console.log(`broadcast: send now, ${CHAINS} chain${CHAINS === 1 ? "" : "s"} of links in this process`);
    const cpuBefore = { node: nodeCpu(), database: await databaseCpu() };
    // how busy the main thread and the SMTP sender threads were (event-loop utilisation): which one limits the rate
    const { smtpWorkerPool } = await import("../../lib/messaging/providers/smtp-worker-pool");
    const senders = smtpWorkerPool({ create: false })?.workers ?? [];
    const busyBefore = {
      main: performance.eventLoopUtilization(),
      senders: senders.map((w) => w.performance.eventLoopUtilization()),
    };
    const startedAt = Date.now();
    let lastShown = 0;
    const drive = await sendNowAndDrive(audience, broadcastId, {
      chains: CHAINS,
      onLink: async () => {
        if (Date.now() - lastShown < 10_000) return;
        lastShown = Date.now();
        const s = await sink.stats();
        log(`${((Date.now() - startedAt) / 1000).toFixed(0)} s: ${n(s.count)} received`);
      },
    });
    const received = await sink.waitFor(PROFILES, 30_000);
    const cpuAfter = { node: nodeCpu(), database: await databaseCpu() };
    const busy = [
      `main ${percent(performance.eventLoopUtilization(busyBefore.main).utilization)}`,
      ...senders.map(
        (w, i) =>
          `SMTP sender ${i + 1} ${percent(w.performance.eventLoopUtilization(busyBefore.senders[i]).utilization)}`,
      ),
    ];
    await postgres?.close();
    const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a);
    const figures = broadcastFigures(PROFILES, startedAt, received, {
      nodeMs: diff(cpuBefore.node, cpuAfter.node),
      databaseMs: cpuBefore.database && cpuAfter.database ? cpuBetween(cpuBefore.database, cpuAfter.database) : null,
      sinkMs: received.cpuMs,
    });
    const t = drive.timings;
    log(
      `${drive.links} links, the broadcast ended ${drive.status}; sendBroadcast (checks, audience count) took ${(drive.sendNowMs / 1000).toFixed(2)} s`,
    );
    log(
      `the links' time (summed; batches overlap): materialize ${secs(t.materialize)}, claim+check ${secs(t.check)}, ` +
        `render ${secs(t.render)}, SMTP ${secs(t.send)}, record ${secs(t.record)}`,
    );
    log(
      `outcomes: ${n(drive.totals.sent)} sent, ${n(drive.totals.suppressed)} suppressed, ${n(drive.totals.failed)} failed, ` +
        `${n(drive.totals.retried)} retried, ${n(drive.totals.delayed)} delayed`,
    );
    for (const r of await notSentReasons(broadcastId)) log(`not sent: ${n(r.n)} ${r.status}: ${r.reason}`);

    const machineCores = os.availableParallelism();
    console.log("");
    // Other work on the machine moves every figure; the load says how much there was.
    console.log(`load average at the start ${loadAtStart}, at the end ${load()} (1, 5, 15 min)`);
    console.log(
      `broadcast of one email (two traits in its subject and body) to ${n(PROFILES)} people, ` +
        `${PGLITE ? "PGlite (embedded)" : "Postgres"}, ${machineCores} cores:`,
    );
    console.log(
      formatTable([
        ["", "figure", "target", ""],
        ...figureRows(figures, bare.best, machineCores),
        ["threads busy (event loop)", senders.length ? busy.join(", ") : `${busy[0]}, SMTP on the main thread`, "", ""],
      ]),
    );
    if (!PGLITE && !postgres) console.log("(database CPU: n/a, the database server is not a process on this machine)");
    const problems = brokenRunProblems(figures);
    if (problems.length) throw new Error(`broken run: ${problems.join("; ")}`);
  } finally {
    await sink.stop();
    const { closePgPool } = await import("../../lib/db/pool");
    const { db } = await import("../../lib/db/client");
    await closePgPool().catch(() => {});
    await db()
      .$disconnect()
      .catch(() => {});
    await database.drop();
  }
}

/**
 * The Postgres server when it runs on this machine (its backends are processes here): then `pids()` lists the
 * backends connected to this database and the server's processes that serve no database; else null.
 */
async function postgresOnThisMachine(
  url: string,
): Promise<{ pids(): Promise<number[]>; close(): Promise<void> } | null> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
  if (postmasterOf(rows[0].pid) === null) {
    await client.end();
    return null;
  }
  client.on("error", () => {}); // dropped with the database at the end
  return {
    async pids() {
      const { rows } = await client.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE (datname = current_database() AND pid <> pg_backend_pid()) OR datname IS NULL`,
      );
      return rows.map((r) => r.pid);
    },
    close: () => client.end(),
  };
}

runBench(main);
