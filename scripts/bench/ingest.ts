/**
 * npm run bench:ingest — ingestion throughput over HTTP against a real Postgres, with a raw baseline.
 *
 *   1. creates a fresh database on DATABASE_URL's server (default: the local Postgres at 127.0.0.1:5432),
 *      migrates it, creates a workspace and a write key;
 *   2. starts Cairn's production server (`next start`; builds first if there is no build) on it;
 *   3. sends EVENTS events in batches of 500 from CLIENTS concurrent clients (Segment's /v1/batch
 *      shape: 90% track, 5% identify, 5% page, 10,000 people) and reports events/s acknowledged, then
 *      checks they are all stored;
 *   4. waits for the server's background rollup of those events to catch up (reported), stops the server;
 *   5. baseline, same run: the same rows inserted straight into the Event table by CLIENTS connections
 *      in batches of 500 (one INSERT … SELECT FROM json_to_recordset each), and the ratio of the two; and,
 *      for scale, the same insert into a copy of Event without its indexes.
 * Timings are printed, never asserted. Options: BENCH_EVENTS (default 200000), BENCH_CLIENTS (8).
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { createApiKey } from "../../lib/api-keys/api-keys";
import { benchWorkspace, freshDatabase, runBench, runPool, startCairn, stopProcess } from "./harness";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const BATCH = 500;
const PEOPLE = 10_000;

function makeBatches(prefix: string): { messageId: string; body: Record<string, unknown> }[][] {
  const batches = [];
  for (let b = 0; b < EVENTS / BATCH; b++) {
    const batch = [];
    for (let i = 0; i < BATCH; i++) {
      const n = b * BATCH + i;
      const person = n % PEOPLE;
      const messageId = `${prefix}-${n}`;
      const kind = n % 20;
      const common = {
        messageId,
        userId: `user-${person}`,
        anonymousId: `anon-${person}`,
        timestamp: new Date(Date.UTC(2026, 10, 1) + n * 1000).toISOString(),
        context: { library: { name: "bench" } },
      };
      batch.push({
        messageId,
        body:
          kind === 0
            ? {
                ...common,
                type: "identify",
                traits: { email: `user-${person}@example.com`, plan: person % 3 ? "free" : "pro" },
              }
            : kind === 1
              ? { ...common, type: "page", name: "Pricing", properties: { url: "https://shop.example/pricing" } }
              : {
                  ...common,
                  type: "track",
                  event: ["Product Viewed", "Cart Updated", "Order Completed"][n % 3],
                  properties: { sku: `sku-${n % 500}`, price: (n % 100) + 0.99, cartId: `cart-${person}` },
                },
      });
    }
    batches.push(batch);
  }
  return batches;
}

async function main() {
  const database = await freshDatabase("cairn_bench");
  const databaseUrl = database.url;
  process.env.DATABASE_URL = databaseUrl;
  let server: Awaited<ReturnType<typeof startCairn>> | null = null;
  try {
    const { db } = await import("../../lib/db/client");
    const { workspace, owner } = await benchWorkspace();
    const { secret } = await createApiKey(owner, {
      name: "bench",
      scope: "WRITE",
    });

    server = await startCairn(databaseUrl, { CAIRN_DB_POOL_SIZE: String(CLIENTS + 2) });
    const { origin } = server;

    // Warm-up (route compilation, pools), not timed, not counted.
    await fetch(`${origin}/api/v1/batch`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({ batch: [{ type: "track", userId: "warm", event: "Warm" }] }),
    });

    const prefix = `http-${randomUUID()}`;
    const batches = makeBatches(prefix);
    const bodies = batches.map((batch) =>
      JSON.stringify({ batch: batch.map((m) => m.body), sentAt: new Date().toISOString() }),
    );
    let acknowledged = 0;
    const started = performance.now();
    await runPool(bodies, CLIENTS, async (body) => {
      const response = await fetch(`${origin}/api/v1/batch`, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body,
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
      // Read first, then add: `acknowledged += await …` would add to a stale value read before the await.
      const { received } = (await response.json()) as { received: number };
      acknowledged += received;
    });
    const httpSeconds = (performance.now() - started) / 1000;
    const stored = await db().event.count({ where: { workspaceId: workspace.id, messageId: { startsWith: prefix } } });
    const httpRate = acknowledged / httpSeconds;

    // The server's background work (the event catalog rollup reading the ingest log) goes on after the last
    // answer. The baseline must not share the machine with it: wait until it has caught up (and say how long
    // that took), then stop the server.
    const drainStarted = performance.now();
    while ((await db().eventDispatch.count({ where: { workspaceId: workspace.id, rolledUpAt: null } })) > 0)
      await new Promise((r) => setTimeout(r, 100));
    const drainSeconds = (performance.now() - drainStarted) / 1000;
    await stopProcess(server.process);
    server = null;

    // Baseline: the same rows, straight into Postgres, same batch size and concurrency.
    const rawWorkspace = randomUUID();
    const profileId = randomUUID();
    const rawBatches = makeBatches(`raw-${randomUUID()}`).map((batch) =>
      JSON.stringify(
        batch.map(({ messageId, body }) => ({
          m: messageId,
          t: body.type,
          n: (body.event as string) ?? null,
          u: body.userId,
          a: body.anonymousId,
          pr: body.properties ?? {},
          tr: body.traits ?? null,
          c: body.context,
          ts: body.timestamp,
        })),
      ),
    );
    const pool = new pg.Pool({ connectionString: databaseUrl, max: CLIENTS });
    const rawStarted = performance.now();
    await runPool(rawBatches, CLIENTS, async (rows) => {
      await pool.query(
        `INSERT INTO "Event" ("workspaceId", "messageId", type, name, "profileId", "userId", "anonymousId", properties, traits, context, timestamp, "receivedAt")
         SELECT $1, m, t, n, $3, u, a, pr, tr, c, ts, now() FROM json_to_recordset($2::json) AS r(m text, t text, n text, u text, a text, pr jsonb, tr jsonb, c jsonb, ts timestamptz)
         ON CONFLICT ("workspaceId", "messageId") DO NOTHING`,
        [rawWorkspace, rows, profileId],
      );
    });
    const rawSeconds = (performance.now() - rawStarted) / 1000;
    const rawRate = EVENTS / rawSeconds;

    // The same insert into a copy of Event without its indexes (unique messageId, profile timeline, live
    // view, segments' per-name): how much of the raw figure the indexes take on this machine.
    await pool.query(`CREATE TABLE "BenchBareEvent" (LIKE "Event" INCLUDING DEFAULTS)`);
    const bareBatches = makeBatches(`bare-${randomUUID()}`).map((batch) =>
      JSON.stringify(
        batch.map(({ messageId, body }) => ({
          m: messageId,
          t: body.type,
          n: (body.event as string) ?? null,
          u: body.userId,
          a: body.anonymousId,
          pr: body.properties ?? {},
          tr: body.traits ?? null,
          c: body.context,
          ts: body.timestamp,
        })),
      ),
    );
    const bareStarted = performance.now();
    await runPool(bareBatches, CLIENTS, async (rows) => {
      await pool.query(
        `INSERT INTO "BenchBareEvent" ("workspaceId", "messageId", type, name, "profileId", "userId", "anonymousId", properties, traits, context, timestamp, "receivedAt")
         SELECT $1, m, t, n, $3, u, a, pr, tr, c, ts, now() FROM json_to_recordset($2::json) AS r(m text, t text, n text, u text, a text, pr jsonb, tr jsonb, c jsonb, ts timestamptz)`,
        [rawWorkspace, rows, profileId],
      );
    });
    const bareRate = EVENTS / ((performance.now() - bareStarted) / 1000);
    await pool.query(`DROP TABLE "BenchBareEvent"`);
    await pool.end();

    console.log("");
    console.log(`events: ${EVENTS} in batches of ${BATCH}, ${CLIENTS} concurrent clients, ${PEOPLE} people`);
    console.log(
      `Cairn over HTTP:  ${acknowledged} acknowledged in ${httpSeconds.toFixed(2)} s = ${Math.round(httpRate).toLocaleString("en")} events/s (stored: ${stored})`,
    );
    console.log(
      `background rollup (event catalog, first/last seen) caught up ${drainSeconds.toFixed(2)} s after the last answer`,
    );
    console.log(
      `raw batched insert: ${EVENTS} rows in ${rawSeconds.toFixed(2)} s = ${Math.round(rawRate).toLocaleString("en")} rows/s`,
    );
    console.log(`ratio (Cairn / raw): ${(httpRate / rawRate).toFixed(2)}`);
    console.log(
      `(the same raw insert into a copy of Event without its indexes: ${Math.round(bareRate).toLocaleString("en")} rows/s)`,
    );
    if (stored !== EVENTS) console.log(`!! stored ${stored} of ${EVENTS} acknowledged events`);
    await db().$disconnect();
  } finally {
    await stopProcess(server?.process);
    await database.drop();
  }
}

runBench(main);
