/**
 * npm run bench:dashboard — the dashboards' API answers on a large workspace, against a real Postgres.
 *
 *   1. creates a fresh database on DATABASE_URL's server (default: the local Postgres at 127.0.0.1:5432),
 *      migrates it, creates a workspace and a full key;
 *   2. synthesizes, with set-based SQL (generate_series, in chunks): ENROLLMENTS enrollments (default
 *      1,000,000) over the last 90 days in 10 journeys (half of them in the first one), with their node visits
 *      (trigger → email → 1-day delay → condition → yes: A/B split "offer" (A 45% → SMS, B 45% → another SMS,
 *      both → goal; holdout 10% → nothing) / no: push → exit), the split's assignments (SplitAssignment: the
 *      arm from the engine's own hash of person, journey and node, so deterministic), conversions (arm A 40%,
 *      arm B 48%, the holdout 20% within the attribution window: a real lift), the messages their message steps
 *      queued and those messages' timelines (sent, delivered, opened, clicked, bounced, failed), and EVENTS
 *      events (default 5,000,000) with their daily volume; then VACUUM ANALYZE;
 *   3. runs the rollup rebuild (`npm run analytics:rebuild`'s code) and prints how long it took; then evaluates
 *      the first journey's experiment once (`evaluateExperiment`, what the evaluate-experiments cron runs per
 *      split: counts from the raw tables, analysis, auto-winner, stored result), timed, with its headline, and
 *      gives it the history of stored results 90 days of that cron leave (8,640, one per 15 minutes);
 *   4. times the journey-analytics answer (the largest journey) and the workspace overview, each for the last
 *      30 and the last 90 days, and the experiment answers of that journey (GET …/experiments, the list the
 *      issue's "experiment API" means, and GET …/experiments/offer, the split's stored result with its
 *      history): REQUESTS requests each (default 50), one at a time, p50/p95. Over HTTP against `next start`
 *      when a production build with these routes exists (BENCH_HTTP=1 forces it, building if needed;
 *      BENCH_HTTP=0 never); otherwise in-process: the same route handlers called with a Request, which is
 *      everything but Next's HTTP server (authentication by key, validation, queries, JSON);
 *   5. baseline, same run: the same answers computed from the raw tables (BASELINE_REQUESTS each, default 5;
 *      for the experiments: `loadSplitData` + `analyzeExperiment`, uncached, measured once for both lines),
 *      p50/p95 and the ratio; and a check that both give the same numbers.
 * Timings are printed, never asserted. Options: BENCH_ENROLLMENTS, BENCH_EVENTS, BENCH_REQUESTS,
 * BENCH_BASELINE_REQUESTS, BENCH_HTTP, BENCH_KEEP_DB=1 (keep the database and print its URL).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type pg from "pg";
import { benchWorkspace, freshDatabase, percentile, runBench, startCairn, stopProcess } from "./harness";

const ENROLLMENTS = Number(process.env.BENCH_ENROLLMENTS ?? 1_000_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 5_000_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 50);
const BASELINE_REQUESTS = Number(process.env.BENCH_BASELINE_REQUESTS ?? 5);
const JOURNEYS = 10;
const PEOPLE = 200_000;
const CHUNK = 250_000;
const DAYS = 90;

const at = (x: number, y: number) => ({ x, y });
const GRAPH = {
  nodes: [
    {
      id: "trigger",
      type: "trigger.event",
      position: at(0, 0),
      label: "Signed up",
      config: { eventName: "Signed Up", filters: [] },
    },
    {
      id: "welcome",
      type: "action.email",
      position: at(0, 150),
      label: "Welcome email",
      config: { templateId: "bench" },
    },
    {
      id: "wait",
      type: "delay.duration",
      position: at(0, 300),
      label: "Wait a day",
      config: { duration: { amount: 1, unit: "days" } },
    },
    {
      id: "engaged",
      type: "condition",
      position: at(0, 450),
      label: "Opened the welcome?",
      config: { rules: { match: "all", rules: [] } },
    },
    {
      id: "offer",
      type: "split",
      position: at(-200, 600),
      label: "Offer test",
      config: {
        arms: [
          { id: "a", label: "A: 10% off", weight: 45 },
          { id: "b", label: "B: free shipping", weight: 45 },
        ],
        holdout: { weight: 10 },
      },
    },
    {
      id: "sms",
      type: "action.sms",
      position: at(-300, 750),
      label: "10% off by SMS",
      config: { templateId: "bench" },
    },
    {
      id: "sms_b",
      type: "action.sms",
      position: at(-100, 750),
      label: "Free shipping by SMS",
      config: { templateId: "bench" },
    },
    { id: "goal", type: "goal", position: at(-200, 900), label: "Ordered", config: { eventName: "Order Completed" } },
    {
      id: "push",
      type: "action.push",
      position: at(200, 600),
      label: "Nudge by push",
      config: { templateId: "bench" },
    },
    { id: "done", type: "exit", position: at(200, 750), label: "Done", config: {} },
  ],
  edges: [
    { id: "e1", source: "trigger", target: "welcome" },
    { id: "e2", source: "welcome", target: "wait" },
    { id: "e3", source: "wait", target: "engaged" },
    { id: "e4", source: "engaged", target: "offer", branch: "yes" },
    { id: "e8", source: "offer", target: "sms", branch: "a" },
    { id: "e9", source: "offer", target: "sms_b", branch: "b" },
    { id: "e5", source: "sms", target: "goal" },
    { id: "e10", source: "sms_b", target: "goal" },
    { id: "e6", source: "engaged", target: "push", branch: "no" },
    { id: "e7", source: "push", target: "done" },
  ],
  settings: {
    reentry: { mode: "always" },
    exitEvents: [],
    goal: { eventName: "Order Completed", attributionHours: 72 },
    frequencyCaps: true,
  },
};

/** The A/B split on the yes branch: its node id, and how often each arm converts within the attribution window. */
const SPLIT_NODE = "offer";
const CONVERTS = { a: 0.4, b: 0.48, holdout: 0.2 };

const ms = (n: number) => `${n.toFixed(1)} ms`;
const secs = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

async function inChunks(pool: pg.Pool, what: string, total: number, sql: string, params: unknown[]): Promise<void> {
  const started = performance.now();
  for (let from = 1; from <= total; from += CHUNK) {
    const to = Math.min(total, from + CHUNK - 1);
    await pool.query(sql, [...params, from, to]);
    process.stdout.write(`\r  ${what}: ${to.toLocaleString("en")} / ${total.toLocaleString("en")} (${secs(started)})`);
  }
  process.stdout.write("\n");
}

/** The raw rows, set-based. $1 workspace, $2 now; $3/$4 the chunk's first and last number. */
async function synthesize(
  pool: pg.Pool,
  workspaceId: string,
  journeyIds: string[],
  versionIds: string[],
  now: Date,
): Promise<void> {
  await pool.query(`SELECT setseed(0.42)`);
  await pool.query(`CREATE TEMP TABLE bench_journeys (idx int PRIMARY KEY, id uuid, vid uuid)`);
  await pool.query(
    `INSERT INTO bench_journeys SELECT i - 1, j, v FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS u(j, v, i)`,
    [journeyIds, versionIds],
  );
  // Which journey (half in the first), when they entered, which branch, how it ended. Those who entered in the
  // last day are still in the delay (WAITING); older ones took the yes branch (60%) or the no branch (push →
  // exit: completed, exited or failed). The yes branch reaches the A/B split a day after entry: the arm is the
  // engine's (lib/engine/interpreter.ts splitBucket + pickArm: sha256 of "profile:journey:node", its first 32
  // bits as a number in [0, 100), A below 45, B below 90, else the holdout), so the same person always gets the
  // same arm; A and B send their SMS and go to the goal (CONVERTS of them converted there), the holdout ends at
  // the split ("Held out of the experiment"). Each assignment is a SplitAssignment row, written in the same
  // statement.
  await inChunks(
    pool,
    "enrollments and split assignments",
    ENROLLMENTS,
    `WITH r AS MATERIALIZED (
       SELECT gen_random_uuid() AS id, j.id AS "journeyId", j.vid, md5('person-' || (g % ${PEOPLE}))::uuid AS "profileId", g, x.entered, x.branch, x.fate, x.took,
              x.entered > $2::timestamptz - interval '1 day' AS waiting,
              ('x' || encode(substr(sha256(convert_to(md5('person-' || (g % ${PEOPLE}))::uuid::text || ':' || j.id::text || ':${SPLIT_NODE}', 'UTF8')), 1, 4), 'hex'))::bit(32)::bigint::float8
                / 4294967296 * 100 AS bucket
         FROM generate_series($3::int, $4::int) g
        CROSS JOIN LATERAL (SELECT $2::timestamptz - random() * interval '${DAYS} days' AS entered, random() AS pick, random() AS branch, random() AS fate, random() AS took, g AS gg) x
         JOIN bench_journeys j ON j.idx = CASE WHEN x.pick < 0.5 THEN 0 ELSE 1 + floor(x.pick * 18)::int % 9 END
     ), a AS (
       SELECT r.*, CASE WHEN r.waiting OR r.branch >= 0.6 THEN NULL WHEN r.bucket < 45 THEN 'a' WHEN r.bucket < 90 THEN 'b' ELSE 'holdout' END AS arm FROM r
     ), s AS (
       SELECT a.*,
              CASE WHEN a.waiting THEN 'WAITING'
                   WHEN a.arm = 'holdout' THEN 'COMPLETED'
                   WHEN a.arm IS NOT NULL THEN CASE WHEN a.fate < (CASE a.arm WHEN 'a' THEN ${CONVERTS.a} ELSE ${CONVERTS.b} END) THEN 'CONVERTED' ELSE 'COMPLETED' END
                   ELSE CASE WHEN a.fate < 0.85 THEN 'COMPLETED' WHEN a.fate < 0.95 THEN 'EXITED' ELSE 'FAILED' END END AS status,
              CASE WHEN a.waiting THEN 'wait' WHEN a.arm = 'holdout' THEN '${SPLIT_NODE}' WHEN a.arm IS NOT NULL THEN 'goal' ELSE 'done' END AS node,
              CASE WHEN a.waiting THEN NULL
                   WHEN a.arm = 'holdout' THEN a.entered + interval '1 day'
                   ELSE LEAST($2::timestamptz, a.entered + interval '1 day' + a.took * interval '2 hours') END AS ended,
              CASE WHEN a.arm = 'holdout' THEN 'Held out of the experiment' END AS reason
         FROM a
     ), enrolled AS (
       INSERT INTO "Enrollment" (id, "workspaceId", "journeyId", "journeyVersionId", "profileId", "entryKey", status, "currentNodeId", trigger, "enteredAt", "updatedAt", "endedAt", "endReason")
       SELECT id, $1, "journeyId", vid, "profileId", 'bench:' || g, status::"EnrollmentStatus", node, '{}', entered, COALESCE(ended, entered), ended, reason FROM s
     )
     INSERT INTO "SplitAssignment" ("enrollmentId", "nodeId", "journeyId", "profileId", "armId", "assignedAt")
     SELECT id, '${SPLIT_NODE}', "journeyId", "profileId", arm, entered + interval '1 day' FROM s WHERE arm IS NOT NULL`,
    [workspaceId, now],
  );
  // Node visits along each path (the split's arm from its assignment); the delay ends a day after entry.
  await inChunks(
    pool,
    "enrollment steps (per enrollment chunk)",
    ENROLLMENTS,
    `WITH e AS (
       SELECT en.id, en."journeyId", en."currentNodeId", en."enteredAt", en."endedAt", sa."armId" AS arm
         FROM "Enrollment" en LEFT JOIN "SplitAssignment" sa ON sa."enrollmentId" = en.id AND sa."nodeId" = '${SPLIT_NODE}'
        WHERE en."entryKey" >= 'bench:' AND substr(en."entryKey", 7)::int BETWEEN $3 AND $4 AND en."workspaceId" = $1 AND $2::timestamptz IS NOT NULL
     )
     INSERT INTO "EnrollmentStep" ("enrollmentId", "journeyId", "nodeId", "nodeType", visit, "enteredAt", "leftAt", exit, outcome)
     SELECT e.id, e."journeyId", n.node, n.type, 1, e."enteredAt" + n.after, CASE WHEN n.node = 'wait' AND e."currentNodeId" = 'wait' THEN NULL ELSE e."enteredAt" + n.left_after END, n.exit, ''
       FROM e CROSS JOIN LATERAL (VALUES
         ('trigger', 'trigger.event', interval '0', interval '0', 'next', true),
         ('welcome', 'action.email', interval '0', interval '0', 'next', true),
         ('wait', 'delay.duration', interval '0', interval '1 day', 'next', true),
         ('engaged', 'condition', interval '1 day', interval '1 day', CASE WHEN e.arm IS NOT NULL THEN 'yes' ELSE 'no' END, e."currentNodeId" <> 'wait'),
         ('${SPLIT_NODE}', 'split', interval '1 day', interval '1 day', NULLIF(e.arm, 'holdout'), e.arm IS NOT NULL),
         ('sms', 'action.sms', interval '1 day', interval '1 day', 'next', e.arm = 'a'),
         ('sms_b', 'action.sms', interval '1 day', interval '1 day', 'next', e.arm = 'b'),
         ('goal', 'goal', interval '1 day', interval '1 day', NULL, e."currentNodeId" = 'goal'),
         ('push', 'action.push', interval '1 day', interval '1 day', 'next', e."currentNodeId" = 'done'),
         ('done', 'exit', interval '1 day', interval '1 day', NULL, e."currentNodeId" = 'done')
       ) AS n(node, type, after, left_after, exit, include)
      WHERE n.include`,
    [workspaceId, now],
  );
  // Conversions: everyone CONVERTED, at the goal; 5% of the completed no-branch people and CONVERTS.holdout of
  // the held-out people (who got nothing), 5 hours after they ended: within the 72-hour attribution window.
  await pool.query(
    `INSERT INTO "Conversion" ("enrollmentId", "workspaceId", "journeyId", "profileId", "eventId", "eventName", "convertedAt")
     SELECT id, "workspaceId", "journeyId", "profileId", 0, 'Order Completed', CASE WHEN status = 'CONVERTED' THEN "endedAt" ELSE "endedAt" + interval '5 hours' END
       FROM "Enrollment" WHERE "workspaceId" = $1 AND (status = 'CONVERTED' OR (status = 'COMPLETED' AND "currentNodeId" = 'done' AND random() < 0.05 AND "endedAt" + interval '5 hours' < $2)
                                                   OR (status = 'COMPLETED' AND "currentNodeId" = '${SPLIT_NODE}' AND random() < ${CONVERTS.holdout} AND "endedAt" + interval '5 hours' < $2))`,
    [workspaceId, now],
  );
  // Messages: the welcome email for everyone, the arm's SMS (none for the holdout) or the push a day later.
  await inChunks(
    pool,
    "messages (per enrollment chunk)",
    ENROLLMENTS,
    `INSERT INTO "Message" (id, "workspaceId", "profileId", "journeyId", "journeyVersionId", "enrollmentId", "nodeId", channel, "templateId", status, "idempotencyKey", "createdAt", "updatedAt")
     SELECT gen_random_uuid(), $1, e."profileId", e."journeyId", e."journeyVersionId", e.id, s."nodeId",
            CASE s."nodeId" WHEN 'welcome' THEN 'email' WHEN 'push' THEN 'push' ELSE 'sms' END, 'bench', 'QUEUED', e.id || ':' || s."nodeId" || ':1', s."enteredAt", s."enteredAt"
       FROM "Enrollment" e JOIN "EnrollmentStep" s ON s."enrollmentId" = e.id AND s."nodeId" IN ('welcome', 'sms', 'sms_b', 'push')
      WHERE e."workspaceId" = $1 AND e."entryKey" >= 'bench:' AND substr(e."entryKey", 7)::int BETWEEN $3 AND $4 AND $2::timestamptz IS NOT NULL`,
    [workspaceId, now],
  );
  // Their fates: 97% sent a few seconds later; of those 94% delivered (3% bounced, the rest failed); of the
  // delivered emails and pushes 30% opened, of those 20% clicked.
  const { rows: counted } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "Message" WHERE "workspaceId" = $1`,
    [workspaceId],
  );
  const messages = counted[0].n;
  await pool.query(
    `CREATE TEMP TABLE bench_messages AS SELECT row_number() OVER () AS n, id FROM "Message" WHERE "workspaceId" = $1`,
    [workspaceId],
  );
  await pool.query(`CREATE INDEX ON bench_messages (n)`);
  await inChunks(
    pool,
    "message fates and timelines",
    messages,
    `WITH fate AS (
       SELECT m.id, m.channel, m."createdAt" AS c, random() AS r1, random() AS r2, random() AS r3
         FROM bench_messages b JOIN "Message" m ON m.id = b.id WHERE b.n BETWEEN $3 AND $4 AND m."workspaceId" = $1 AND $2::timestamptz IS NOT NULL
     ), upd AS (
       UPDATE "Message" m SET
              status = (CASE WHEN f.r1 >= 0.97 THEN 'FAILED' WHEN f.r2 < 0.94 THEN 'DELIVERED' WHEN f.r2 < 0.97 THEN 'BOUNCED' ELSE 'FAILED' END)::"MessageStatus",
              "sentAt" = CASE WHEN f.r1 < 0.97 THEN f.c + interval '3 seconds' END,
              "deliveredAt" = CASE WHEN f.r1 < 0.97 AND f.r2 < 0.94 THEN f.c + interval '10 seconds' END,
              "openedAt" = CASE WHEN f.r1 < 0.97 AND f.r2 < 0.94 AND f.channel <> 'sms' AND f.r3 < 0.3 THEN f.c + interval '2 hours' END,
              "clickedAt" = CASE WHEN f.r1 < 0.97 AND f.r2 < 0.94 AND f.channel <> 'sms' AND f.r3 < 0.06 THEN f.c + interval '2 hours 1 minute' END
         FROM fate f WHERE m.id = f.id
     )
     INSERT INTO "MessageEvent" ("messageId", "workspaceId", type, at)
     SELECT f.id, $1, t.type, f.c + t.after FROM fate f CROSS JOIN LATERAL (VALUES
         ('sent', interval '3 seconds', f.r1 < 0.97),
         ('delivered', interval '10 seconds', f.r1 < 0.97 AND f.r2 < 0.94),
         ('bounced', interval '10 seconds', f.r1 < 0.97 AND f.r2 >= 0.94 AND f.r2 < 0.97),
         ('failed', interval '10 seconds', f.r1 >= 0.97 OR f.r2 >= 0.97),
         ('opened', interval '2 hours', f.r1 < 0.97 AND f.r2 < 0.94 AND f.channel <> 'sms' AND f.r3 < 0.3),
         ('clicked', interval '2 hours 1 minute', f.r1 < 0.97 AND f.r2 < 0.94 AND f.channel <> 'sms' AND f.r3 < 0.06)
       ) AS t(type, after, include)
      WHERE t.include`,
    [workspaceId, now],
  );
  // Events, and their daily volume as the ingest rollup keeps it (lib/ingest/rollup.ts).
  await inChunks(
    pool,
    "events",
    EVENTS,
    `INSERT INTO "Event" ("workspaceId", "messageId", type, name, "profileId", "userId", properties, timestamp, "receivedAt")
     SELECT $1, 'bench-' || g, 'track', (ARRAY['Product Viewed', 'Product Viewed', 'Cart Updated', 'Signed Up', 'Order Completed'])[1 + g % 5],
            md5('person-' || (g % ${PEOPLE}))::uuid, 'user-' || (g % ${PEOPLE}), jsonb_build_object('sku', 'sku-' || (g % 500)), t, t
       FROM generate_series($3::int, $4::int) g CROSS JOIN LATERAL (SELECT $2::timestamptz - random() * interval '${DAYS} days' + (g * 0) * interval '1 second' AS t) x`,
    [workspaceId, now],
  );
  await pool.query(
    `INSERT INTO "EventVolume" ("workspaceId", name, day, count)
     SELECT "workspaceId", name, (timestamp AT TIME ZONE 'UTC')::date, count(*) FROM "Event" WHERE "workspaceId" = $1 GROUP BY 1, 2, 3`,
    [workspaceId],
  );
  const started = performance.now();
  await pool.query(`VACUUM ANALYZE`);
  console.log(`  VACUUM ANALYZE (${secs(started)})`);
}

// ---------------------------------------------------------------------------------------------------
// The baseline: the same answers from the raw tables.

const DAY_SQL = (column: string) => `to_char((${column} AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD')`;
type Range = { from: string; to: string };
const bounds = (r: Range) => [new Date(`${r.from}T00:00:00Z`), new Date(Date.parse(`${r.to}T00:00:00Z`) + 86_400_000)];

async function rawJourneyAnalytics(pool: pg.Pool, journeyId: string, range: Range) {
  const [from, to] = bounds(range);
  const p = [journeyId, from, to];
  const [entered, ended, conversions, nodes, nodeConversions, messages, active] = await Promise.all([
    pool.query(
      `SELECT ${DAY_SQL(`"enteredAt"`)} AS day, count(*)::int AS n FROM "Enrollment" WHERE "journeyId" = $1 AND "enteredAt" >= $2 AND "enteredAt" < $3 GROUP BY 1`,
      p,
    ),
    pool.query(
      `SELECT status::text, count(*)::int AS n FROM "Enrollment" WHERE "journeyId" = $1 AND "endedAt" >= $2 AND "endedAt" < $3 GROUP BY 1`,
      p,
    ),
    pool.query(
      `SELECT ${DAY_SQL(`"convertedAt"`)} AS day, count(*)::int AS n FROM "Conversion" WHERE "journeyId" = $1 AND "convertedAt" >= $2 AND "convertedAt" < $3 GROUP BY 1`,
      p,
    ),
    pool.query(
      `SELECT "nodeId", count(*)::int AS n FROM "EnrollmentStep" WHERE "journeyId" = $1 AND "enteredAt" >= $2 AND "enteredAt" < $3 GROUP BY 1`,
      p,
    ),
    pool.query(
      `SELECT s."nodeId", count(DISTINCT c."enrollmentId")::int AS n FROM "Conversion" c JOIN "EnrollmentStep" s ON s."enrollmentId" = c."enrollmentId"
        WHERE c."journeyId" = $1 AND c."convertedAt" >= $2 AND c."convertedAt" < $3 GROUP BY 1`,
      p,
    ),
    pool.query(
      `SELECT channel, count(*) FILTER (WHERE "createdAt" >= $2 AND "createdAt" < $3)::int AS queued, count(*) FILTER (WHERE "sentAt" >= $2 AND "sentAt" < $3)::int AS sent,
              count(*) FILTER (WHERE "deliveredAt" >= $2 AND "deliveredAt" < $3)::int AS delivered, count(*) FILTER (WHERE "openedAt" >= $2 AND "openedAt" < $3)::int AS opened,
              count(*) FILTER (WHERE "clickedAt" >= $2 AND "clickedAt" < $3)::int AS clicked,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM "MessageEvent" me WHERE me."messageId" = m.id AND me.type = 'bounced' AND me.at >= $2 AND me.at < $3))::int AS bounced
         FROM "Message" m WHERE "journeyId" = $1 AND "createdAt" < $3 GROUP BY 1`,
      p,
    ),
    pool.query(
      `SELECT count(*)::int AS n FROM "Enrollment" WHERE "journeyId" = $1 AND status IN ('ACTIVE', 'WAITING')`,
      [journeyId],
    ),
  ]);
  const sum = (rows: { n: number }[]) => rows.reduce((a, r) => a + r.n, 0);
  return {
    entered: sum(entered.rows),
    completed: ended.rows.find((r) => r.status === "COMPLETED")?.n ?? 0,
    conversions: sum(conversions.rows),
    activeNow: active.rows[0].n,
    funnel: Object.fromEntries(nodes.rows.map((r) => [r.nodeId, r.n])),
    nodeConversions: Object.fromEntries(nodeConversions.rows.map((r) => [r.nodeId, r.n])),
    channels: Object.fromEntries(
      messages.rows.map((r) => [
        r.channel,
        { sent: r.sent, delivered: r.delivered, opened: r.opened, clicked: r.clicked, bounced: r.bounced },
      ]),
    ),
  };
}

async function rawOverview(pool: pg.Pool, workspaceId: string, range: Range) {
  const [from, to] = bounds(range);
  const p = [workspaceId, from, to];
  const [events, entered, conversions, messages, active] = await Promise.all([
    pool.query(
      `SELECT ${DAY_SQL("timestamp")} AS day, count(*)::int AS n FROM "Event" WHERE "workspaceId" = $1 AND name IS NOT NULL AND timestamp >= $2 AND timestamp < $3 GROUP BY 1`,
      p,
    ),
    pool.query(
      `SELECT ${DAY_SQL(`"enteredAt"`)} AS day, count(*)::int AS n FROM "Enrollment" WHERE "workspaceId" = $1 AND "enteredAt" >= $2 AND "enteredAt" < $3 GROUP BY 1`,
      p,
    ),
    pool.query(
      `SELECT ${DAY_SQL(`"convertedAt"`)} AS day, count(*)::int AS n FROM "Conversion" WHERE "workspaceId" = $1 AND "convertedAt" >= $2 AND "convertedAt" < $3 GROUP BY 1`,
      p,
    ),
    pool.query(
      `SELECT channel, count(*) FILTER (WHERE "sentAt" >= $2 AND "sentAt" < $3)::int AS sent, count(*) FILTER (WHERE "deliveredAt" >= $2 AND "deliveredAt" < $3)::int AS delivered
         FROM "Message" WHERE "workspaceId" = $1 AND "createdAt" < $3 GROUP BY 1`,
      p,
    ),
    pool.query(
      `SELECT count(*)::int AS n FROM "Enrollment" WHERE "workspaceId" = $1 AND status IN ('ACTIVE', 'WAITING')`,
      [workspaceId],
    ),
  ]);
  const sum = (rows: { n: number }[]) => rows.reduce((a, r) => a + r.n, 0);
  return {
    events: sum(events.rows),
    entered: sum(entered.rows),
    conversions: sum(conversions.rows),
    activeNow: active.rows[0].n,
    channels: Object.fromEntries(messages.rows.map((r) => [r.channel, { sent: r.sent, delivered: r.delivered }])),
  };
}

// ---------------------------------------------------------------------------------------------------

async function time(n: number, fn: () => Promise<unknown>): Promise<{ p50: number; p95: number; last: unknown }> {
  const times: number[] = [];
  let last: unknown;
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    last = await fn();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), last };
}

function hasBuildWithRoutes(): boolean {
  const app = path.join(".next", "server", "app");
  const journey = path.join(app, "api", "v1", "journeys", "[id]");
  return (
    existsSync(path.join(".next", "BUILD_ID")) &&
    existsSync(path.join(app, "api", "v1", "dashboards", "overview", "route.js")) &&
    existsSync(path.join(journey, "analytics", "route.js")) &&
    existsSync(path.join(journey, "experiments", "route.js")) &&
    existsSync(path.join(journey, "experiments", "[nodeId]", "route.js"))
  );
}

async function main() {
  const database = await freshDatabase("cairn_bench_dashboard");
  process.env.DATABASE_URL = database.url;
  process.env.CAIRN_ENCRYPTION_KEY ??= "bench";
  let server: Awaited<ReturnType<typeof startCairn>> | null = null;
  try {
    const { db } = await import("../../lib/db/client");
    const { pgPool } = await import("../../lib/db/pool");
    const { createApiKey } = await import("../../lib/api-keys/api-keys");
    const { rebuildAnalytics } = await import("../../lib/analytics/rollups");
    const { evaluateExperiment } = await import("../../lib/experiments/evaluate-experiment");
    const { settingsOf } = await import("../../lib/experiments/experiment-settings");
    const { goalOf } = await import("../../lib/experiments/journey-splits");
    const { analyzeExperiment, splitConfigIn } = await import("../../lib/experiments/analysis");
    const { loadSplitData } = await import("../../lib/experiments/load-split-data");
    const { publishedWeights } = await import("../../lib/experiments/weights");
    const { ZJourneyGraph } = await import("../../lib/journeys/graph");
    const pool = pgPool();
    const graph = ZJourneyGraph.parse(GRAPH);
    const split = splitConfigIn(graph, SPLIT_NODE);
    if (!split) throw new Error(`the bench graph's "${SPLIT_NODE}" is not a valid split`);

    const { workspace, owner } = await benchWorkspace();
    const key = (await createApiKey(owner, { name: "bench", scope: "FULL" })).secret;
    const journeyIds: string[] = [];
    const versionIds: string[] = [];
    for (let i = 0; i < JOURNEYS; i++) {
      const journey = await db().journey.create({
        data: {
          workspaceId: workspace.id,
          name: i === 0 ? "Onboarding" : `Journey ${i + 1}`,
          status: "LIVE",
          draft: GRAPH,
        },
      });
      const version = await db().journeyVersion.create({
        data: { journeyId: journey.id, version: 1, graph: GRAPH, publishedByLabel: "bench" },
      });
      await db().journey.update({ where: { id: journey.id }, data: { liveVersionId: version.id } });
      journeyIds.push(journey.id);
      versionIds.push(version.id);
    }

    const now = new Date();
    console.log(
      `synthesizing ${ENROLLMENTS.toLocaleString("en")} enrollments and ${EVENTS.toLocaleString("en")} events over ${DAYS} days`,
    );
    const synthStarted = performance.now();
    await synthesize(pool, workspace.id, journeyIds, versionIds, now);
    const { rows: sizes } = await pool.query(
      `SELECT (SELECT count(*) FROM "Enrollment")::int AS enrollments, (SELECT count(*) FROM "EnrollmentStep")::int AS steps, (SELECT count(*) FROM "Conversion")::int AS conversions,
              (SELECT count(*) FROM "SplitAssignment")::int AS "splitAssignments", (SELECT count(*) FROM "Message")::int AS messages, (SELECT count(*) FROM "MessageEvent")::int AS "messageEvents", (SELECT count(*) FROM "Event")::int AS events,
              (SELECT count(*) FROM "Enrollment" WHERE "journeyId" = $1)::int AS "firstJourney"`,
      [journeyIds[0]],
    );
    console.log(
      `synthesized in ${secs(synthStarted)}:`,
      Object.entries(sizes[0])
        .map(([k, v]) => `${k} ${Number(v).toLocaleString("en")}`)
        .join(", "),
    );

    const rebuildStarted = performance.now();
    const rebuilt = await rebuildAnalytics({ now, chunkDays: 7, onProgress: (m) => console.log(`  ${m}`) });
    const rebuildSeconds = (performance.now() - rebuildStarted) / 1000;
    const { rows: rollupSizes } = await pool.query(
      `SELECT (SELECT count(*) FROM "AnalyticsJourneyDay")::int AS "journeyDays", (SELECT count(*) FROM "AnalyticsNodeDay")::int AS "nodeDays", (SELECT count(*) FROM "AnalyticsMessageDay")::int AS "messageDays"`,
    );
    console.log(`rebuild: ${rebuilt.days} days in ${rebuildSeconds.toFixed(1)} s; rollup rows:`, rollupSizes[0]);
    await pool.query(`ANALYZE "AnalyticsJourneyDay", "AnalyticsNodeDay", "AnalyticsMessageDay"`);

    // The experiment: one evaluation of the first journey's split, as the evaluate-experiments cron runs it
    // (evaluateAllExperiments calls evaluateExperiment for every split of every live journey).
    const evaluationStarted = performance.now();
    const evaluation = await evaluateExperiment(
      { workspaceId: workspace.id, journeyId: journeyIds[0], graph, split },
      now,
    );
    const evaluationMs = performance.now() - evaluationStarted;
    console.log(
      `evaluate-experiments (first journey's split "${split.label}"): ${(evaluationMs / 1000).toFixed(1)} s, result ${evaluation.stored ? "stored" : "NOT stored"}`,
    );
    console.log(`  ${describeAnalysis(evaluation.analysis)}`);
    // The history the experiment page draws its cumulative lift from: the cron stores a result every 15
    // minutes, so a 90-day experiment has 8,640 of them. Copies of this one, 15 minutes apart, give the page's
    // history query its real number of rows to sample from.
    const history = await pool.query(
      `INSERT INTO "ExperimentResult" ("experimentId", "journeyId", "nodeId", "computedAt", result)
       SELECT r."experimentId", r."journeyId", r."nodeId", r."computedAt" - make_interval(mins => 15 * g), r.result
         FROM (SELECT * FROM "ExperimentResult" WHERE "journeyId" = $1 ORDER BY "computedAt" DESC LIMIT 1) r
        CROSS JOIN generate_series(1, $2) g`,
      [journeyIds[0], DAYS * 96 - 1],
    );
    await pool.query(`ANALYZE "ExperimentResult"`);
    console.log(
      `  stored result history: ${(history.rowCount ?? 0) + 1} evaluations (every 15 minutes over ${DAYS} days)`,
    );
    // The baseline: the same analysis from the raw tables, as evaluateExperiment computes it (without storing).
    const { goal } = goalOf(graph);
    const rawExperiment = async () => {
      const client = await pool.connect();
      try {
        const loaded = await loadSplitData(client, {
          journeyId: journeyIds[0],
          nodeId: SPLIT_NODE,
          now,
          goal,
          weightChanges: [],
        });
        return analyzeExperiment({
          journeyId: journeyIds[0],
          nodeId: SPLIT_NODE,
          computedAt: now,
          split,
          goal,
          hasGoal: true,
          data: loaded.data,
          expected: loaded.expected,
          currentWeights: publishedWeights(split),
          settings: settingsOf(null),
        });
      } finally {
        client.release();
      }
    };

    const wantHttp = process.env.BENCH_HTTP === "1" || (process.env.BENCH_HTTP !== "0" && hasBuildWithRoutes());
    const headers = { authorization: `Bearer ${key}` };
    let call: (pathAndQuery: string) => Promise<unknown>;
    let mode: string;
    if (wantHttp) {
      server = await startCairn(database.url);
      const origin = server.origin;
      mode = `over HTTP against \`next start\` (${origin})`;
      call = async (pathAndQuery) => {
        const response = await fetch(`${origin}${pathAndQuery}`, { headers });
        if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
        return response.json();
      };
    } else {
      const overviewRoute = await import("../../app/api/v1/dashboards/overview/route");
      const journeyRoute = await import("../../app/api/v1/journeys/[id]/analytics/route");
      const experimentsRoute = await import("../../app/api/v1/journeys/[id]/experiments/route");
      const experimentRoute = await import("../../app/api/v1/journeys/[id]/experiments/[nodeId]/route");
      mode =
        "in-process: the /api/v1 route handlers called with a Request (no production build with these routes; BENCH_HTTP=1 builds one and uses HTTP)";
      call = async (pathAndQuery) => {
        const url = new URL(`http://localhost${pathAndQuery}`);
        const journey = url.pathname.match(/^\/api\/v1\/journeys\/([^/]+)\/analytics$/);
        const experiments = url.pathname.match(/^\/api\/v1\/journeys\/([^/]+)\/experiments$/);
        const experiment = url.pathname.match(/^\/api\/v1\/journeys\/([^/]+)\/experiments\/([^/]+)$/);
        const request = new Request(url, { headers });
        const response = journey
          ? await journeyRoute.GET(request, { params: Promise.resolve({ id: journey[1] }) })
          : experiments
            ? await experimentsRoute.GET(request, { params: Promise.resolve({ id: experiments[1] }) })
            : experiment
              ? await experimentRoute.GET(request, {
                  params: Promise.resolve({ id: experiment[1], nodeId: experiment[2] }),
                })
              : await overviewRoute.GET(request, { params: Promise.resolve({}) });
        if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
        return response.json();
      };
    }

    const today = now.toISOString().slice(0, 10);
    const daysBack = (n: number) =>
      new Date(Date.parse(`${today}T00:00:00Z`) - (n - 1) * 86_400_000).toISOString().slice(0, 10);
    console.log("");
    console.log(`timings, ${mode}; ${REQUESTS} requests each, one at a time (baseline: ${BASELINE_REQUESTS} each)`);
    let allMatch = true;
    const results: string[] = [];
    for (const days of [30, 90]) {
      const range = { from: daysBack(days), to: today };
      const query = `from=${range.from}&to=${range.to}`;
      for (const what of ["journey analytics", "overview"] as const) {
        const target =
          what === "journey analytics"
            ? `/api/v1/journeys/${journeyIds[0]}/analytics?${query}`
            : `/api/v1/dashboards/overview?${query}`;
        for (let i = 0; i < 3; i++) await call(target); // warm-up: route compilation, pools, caches
        const api = await time(REQUESTS, () => call(target));
        const raw = await time(BASELINE_REQUESTS, () =>
          what === "journey analytics"
            ? rawJourneyAnalytics(pool, journeyIds[0], range)
            : rawOverview(pool, workspace.id, range),
        );
        const match = compare(what, api.last, raw.last);
        allMatch &&= match;
        results.push(
          `${what.padEnd(17)} last ${String(days).padStart(2)} days: API p50 ${ms(api.p50).padStart(9)}  p95 ${ms(api.p95).padStart(9)} | raw tables p50 ${ms(raw.p50).padStart(10)}  p95 ${ms(raw.p95).padStart(10)} | raw / API (p50) ${(raw.p50 / api.p50).toFixed(1)}x${match ? "" : "  !! answers differ"}`,
        );
        console.log(results.at(-1));
      }
    }
    // The experiment answers read the stored evaluation (no date range: the whole test); the baseline computes
    // the analysis from the raw tables, measured once and shown on both lines.
    const experimentTargets = [
      ["experiments", `/api/v1/journeys/${journeyIds[0]}/experiments`],
      ["experiment detail", `/api/v1/journeys/${journeyIds[0]}/experiments/${SPLIT_NODE}`],
    ] as const;
    for (const [, target] of experimentTargets) for (let i = 0; i < 3; i++) await call(target);
    const rawAnalysis = await time(BASELINE_REQUESTS, rawExperiment);
    for (const [what, target] of experimentTargets) {
      const api = await time(REQUESTS, () => call(target));
      const match = compareExperiment(what, api.last, rawAnalysis.last as Awaited<ReturnType<typeof rawExperiment>>);
      allMatch &&= match;
      results.push(
        `${what.padEnd(17)} whole test  : API p50 ${ms(api.p50).padStart(9)}  p95 ${ms(api.p95).padStart(9)} | raw tables p50 ${ms(rawAnalysis.p50).padStart(10)}  p95 ${ms(rawAnalysis.p95).padStart(10)} | raw / API (p50) ${(rawAnalysis.p50 / api.p50).toFixed(1)}x${match ? "" : "  !! answers differ"}`,
      );
      console.log(results.at(-1));
    }
    console.log("");
    console.log(
      `answers: the API and the raw-table baseline ${allMatch ? "agree on every compared figure" : "DIFFER (see above)"}`,
    );
    console.log(`target: p95 ≤ 300 ms`);
    await db().$disconnect();
  } finally {
    await stopProcess(server?.process);
    await (await import("../../lib/db/pool")).closePgPool();
    // pg-pool's end() resolves once its connections are told to close, not once they have: give them a moment,
    // or dropping the database (WITH FORCE) kills them mid-close and the pool logs "idle database connection lost".
    await new Promise((resolve) => setTimeout(resolve, 250));
    if (process.env.BENCH_KEEP_DB === "1") console.log(`kept the database: ${database.url}`);
    else await database.drop();
  }
}

type Analysis = import("../../lib/experiments/analysis").ExperimentAnalysis;

/** The evaluation's headline: per arm assigned, converted, rate, lift against control; holdout; SRM; winner. */
function describeAnalysis(a: Analysis): string {
  const pct = (x: number | null | undefined, digits = 1) =>
    x === null || x === undefined ? "?" : `${(x * 100).toFixed(digits)}%`;
  const arms = a.arms.map((arm) => {
    const lift = arm.lift
      ? `, lift ${pct(arm.lift.estimate)} [${pct(arm.lift.adjustedCi[0])}, ${pct(arm.lift.adjustedCi[1])}] p ${arm.lift.adjustedPValue.toPrecision(2)}, chance to win ${pct(arm.chanceToWin)}, ${arm.status}`
      : "";
    return `${arm.label}: ${arm.assigned.toLocaleString("en")} assigned, ${arm.converted.toLocaleString("en")} converted (${pct(arm.conversionRate)})${lift}`;
  });
  if (a.holdout)
    arms.push(
      `holdout: ${a.holdout.assigned.toLocaleString("en")} assigned, ${a.holdout.converted.toLocaleString("en")} converted (${pct(a.holdout.conversionRate)})`,
    );
  const srm = a.srm ? `SRM p ${a.srm.pValue.toPrecision(2)}${a.srm.mismatch ? " MISMATCH" : ""}` : "no SRM check";
  return `${arms.join("; ")}; ${srm}; ${a.test.label}; winner: ${a.winner?.label ?? "none"}`;
}

/** The experiment answers against the analysis from the raw tables; prints what differs. */
function compareExperiment(what: string, apiAnswer: unknown, raw: Analysis): boolean {
  const pairs: [string, unknown, unknown][] = [];
  if (what === "experiments") {
    const item = (
      apiAnswer as {
        experiments: {
          nodeId: string;
          assigned: number;
          winner: { armId: string } | null;
          enoughData: boolean | null;
        }[];
      }
    ).experiments.find((e) => e.nodeId === raw.nodeId);
    pairs.push(
      ["assigned", item?.assigned, raw.arms.reduce((sum, arm) => sum + arm.assigned, 0)],
      ["winner", item?.winner?.armId ?? null, raw.winner?.armId ?? null],
      ["enoughData", item?.enoughData, raw.enoughData],
    );
  } else {
    const result = (apiAnswer as { result: Analysis | null }).result;
    for (const arm of raw.arms) {
      const stored = result?.arms.find((x) => x.armId === arm.armId);
      pairs.push(
        [`${arm.armId} assigned`, stored?.assigned, arm.assigned],
        [`${arm.armId} converted`, stored?.converted, arm.converted],
        [`${arm.armId} sent`, stored?.sent, arm.sent],
      );
      pairs.push(
        [`${arm.armId} lift`, stored?.lift?.estimate ?? null, arm.lift?.estimate ?? null],
        [`${arm.armId} p`, stored?.lift?.adjustedPValue ?? null, arm.lift?.adjustedPValue ?? null],
      );
    }
    pairs.push(
      ["holdout assigned", result?.holdout?.assigned, raw.holdout?.assigned],
      ["holdout converted", result?.holdout?.converted, raw.holdout?.converted],
      ["SRM p", result?.srm?.pValue ?? null, raw.srm?.pValue ?? null],
      ["winner", result?.winner?.armId ?? null, raw.winner?.armId ?? null],
    );
  }
  // The stored result's floats come back rounded to 16 significant digits: equal within 1e-12, relative.
  const same = (a: unknown, b: unknown) =>
    a === b ||
    (typeof a === "number" &&
      typeof b === "number" &&
      Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b)));
  const differ = pairs.filter(([, a, b]) => !same(a, b));
  for (const [name, a, b] of differ) console.log(`  !! ${what} ${name}: API ${String(a)}, raw ${String(b)}`);
  return differ.length === 0;
}

/** The figures both sides compute, compared; prints what differs. */
function compare(what: string, apiAnswer: unknown, rawAnswer: unknown): boolean {
  const api = apiAnswer as Record<string, unknown>;
  const raw = rawAnswer as Record<string, unknown>;
  const totals = api.totals as Record<string, number>;
  const pairs: [string, number, number][] = [];
  const channels = Object.fromEntries(
    (api.channels as { channel: string }[]).map((c) => [c.channel, c as unknown as Record<string, number>]),
  );
  if (what === "journey analytics") {
    pairs.push(
      ["entered", totals.entered, raw.entered as number],
      ["completed", totals.completed, raw.completed as number],
      ["conversions", totals.conversions, raw.conversions as number],
      ["activeNow", totals.activeNow, raw.activeNow as number],
    );
    for (const step of api.funnel as { nodeId: string; entered: number; converted: number }[]) {
      pairs.push([`funnel ${step.nodeId}`, step.entered, (raw.funnel as Record<string, number>)[step.nodeId] ?? 0]);
      pairs.push([
        `converted after ${step.nodeId}`,
        step.converted,
        (raw.nodeConversions as Record<string, number>)[step.nodeId] ?? 0,
      ]);
    }
    for (const [channel, c] of Object.entries(raw.channels as Record<string, Record<string, number>>)) {
      for (const stage of ["sent", "delivered", "opened", "clicked", "bounced"])
        pairs.push([`${channel} ${stage}`, channels[channel]?.[stage] ?? 0, c[stage]]);
    }
  } else {
    pairs.push(
      ["events", totals.events, raw.events as number],
      ["entered", totals.entered, raw.entered as number],
      ["conversions", totals.conversions, raw.conversions as number],
      ["activeNow", totals.activeNow, raw.activeNow as number],
    );
    for (const [channel, c] of Object.entries(raw.channels as Record<string, Record<string, number>>)) {
      for (const stage of ["sent", "delivered"])
        pairs.push([`${channel} ${stage}`, channels[channel]?.[stage] ?? 0, c[stage]]);
    }
  }
  const differ = pairs.filter(([, a, b]) => a !== b);
  for (const [name, a, b] of differ) console.log(`  !! ${what} ${name}: API ${a}, raw ${b}`);
  return differ.length === 0;
}

runBench(main);
