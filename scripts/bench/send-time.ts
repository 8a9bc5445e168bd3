/**
 * npm run bench:send-time — send-time optimisation (lib/send-time) against a real Postgres: does the fold plus the
 * empirical-Bayes choice find each person's hour, and how fast does the fold go?
 *
 * The hidden process (seeded, so every run draws the same people):
 *   - PEOPLE people (default 20,000): 30 % in Europe/Paris, 25 % America/New_York, 20 % UTC, 15 % Asia/Kolkata
 *     (+5:30), 10 % without a zone (they count in the workspace's, Europe/Berlin);
 *   - each has a true best hour of the week h* in their own zone, drawn from the workspace's habits: weekday
 *     mornings 07–09 (40 %), weekday lunch 12–13 (20 %), evenings 19–22 any day (30 %), anything else (10 %);
 *   - each has N opens, N = 0–40 with about 40 % of people under 10: each open falls in h* with probability 0.6, in
 *     the hour before or after with 0.15, and otherwise in an hour drawn from the same workspace habits (people
 *     also read at the times everyone does); the minute is uniform; the day is a uniform one of the last 12 weeks;
 *   - noise the fold must read past: one "Product Viewed" per two opens (not an engagement), and page views at
 *     random hours for a third of the people (sessions, weight 0.3, one per person per hour);
 *   - events are inserted straight into Event (received when they happened, all before the bench's "now", so all
 *     are settled).
 * Then:
 *   1. the fold (updateSendTimes, the cron's code) over everything, timed: events scanned per second;
 *   2. the choice (chooseBestTime over each person's stored row, window 7 d from now) for everyone: the share of
 *      people with 10+ opens whose chosen hour is h* (target ≥ 80 %), and for people under 10 the share whose
 *      choice came from the workspace's pattern (and how often that was right anyway);
 *   3. the same with other prior strengths (PRIOR_ENGAGEMENTS 1, 2, 3, 5) to show why 3 was chosen.
 * Timings are printed, never asserted. BENCH_SCALE (default 1) multiplies PEOPLE. BENCH_KEEP_DB=1 keeps the database.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { benchWorkspace, freshDatabase, runBench } from "./harness";

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const PEOPLE = Math.round(20_000 * SCALE);
const WEEKS = 12;
const CHUNK = 20_000;
const WORKSPACE_ZONE = "Europe/Berlin";
const ZONES: [string | null, number][] = [
  ["Europe/Paris", 0.3],
  ["America/New_York", 0.25],
  ["UTC", 0.2],
  ["Asia/Kolkata", 0.15],
  [null, 0.1],
];

/** mulberry32: a small seeded generator, so every run simulates the same workspace */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const random = rng(21);
const pick = <T>(items: [T, number][]): T => {
  let r = random();
  for (const [item, p] of items) if ((r -= p) < 0) return item;
  return items[items.length - 1][0];
};
const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

/** An hour of the week from the workspace's habits. */
function habitualHour(): number {
  const kind = pick<"morning" | "lunch" | "evening" | "any">([
    ["morning", 0.4],
    ["lunch", 0.2],
    ["evening", 0.3],
    ["any", 0.1],
  ]);
  if (kind === "morning") return int(0, 4) * 24 + int(7, 9);
  if (kind === "lunch") return int(0, 4) * 24 + int(12, 13);
  if (kind === "evening") return int(0, 6) * 24 + int(19, 22);
  return int(0, 167);
}

/** How many opens: 40 % of people under 10 (0–9), the rest 10–40. */
const openCount = () => (random() < 0.4 ? int(0, 9) : int(10, 40));

const n = (x: number) => x.toLocaleString("en-US");
const pct = (part: number, whole: number) => (whole ? `${((100 * part) / whole).toFixed(1)} %` : "—");

interface Person {
  id: string;
  zone: string | null;
  best: number;
  opens: number;
}

async function main() {
  console.log(
    `bench:send-time: ${n(PEOPLE)} people (BENCH_SCALE=${SCALE}); a shared machine: timings vary between runs`,
  );
  const database = await freshDatabase("cairn_bench_send_time");
  process.env.DATABASE_URL = database.url;
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { workspace } = await benchWorkspace();
    await client.query(`UPDATE "Workspace" SET timezone = $2 WHERE id = $1`, [workspace.id, WORKSPACE_ZONE]);
    const { zonedTimeToInstant } = await import("../../lib/engine/time");
    const { updateSendTimes } = await import("../../lib/send-time/fold-engagements");
    const { chooseBestTime } = await import("../../lib/send-time/best-time");
    const { PRIOR_ENGAGEMENTS } = await import("../../lib/send-time/engagement-model");
    const { loadSendTimeFacts } = await import("../../lib/send-time/load-send-time-facts");
    const { pgPool, closePgPool } = await import("../../lib/db/pool");

    const now = new Date();
    const people: Person[] = Array.from({ length: PEOPLE }, () => ({
      id: randomUUID(),
      zone: pick(ZONES),
      best: habitualHour(),
      opens: openCount(),
    }));
    await client.query(
      `INSERT INTO "Profile" (id, "workspaceId", "userId", timezone, "firstSeenAt", "lastSeenAt")
       SELECT p, $1, 'u-' || p::text, z, $2, $2 FROM unnest($3::uuid[], $4::text[]) AS u(p, z)`,
      [workspace.id, now, people.map((p) => p.id), people.map((p) => p.zone)],
    );

    /** The instant of a local hour of the week (minute m) in a zone, `weeksBack` weeks before this week. */
    const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const monday = new Date(today.getTime() - ((today.getUTCDay() + 6) % 7) * 86_400_000);
    const instantOf = (zone: string, hourOfWeek: number, minute: number, weeksBack: number): Date => {
      const day = new Date(monday.getTime() + (Math.floor(hourOfWeek / 24) - 7 * weeksBack) * 86_400_000);
      const at = zonedTimeToInstant(
        {
          year: day.getUTCFullYear(),
          month: day.getUTCMonth() + 1,
          day: day.getUTCDate(),
          hour: hourOfWeek % 24,
          minute,
        },
        zone,
      );
      // Last week's Sunday evening in New York is this Monday morning in UTC: never after the bench's "now" (the
      // fold would rightly leave such events for later, as not settled), a week earlier instead.
      return at.getTime() < now.getTime() - 3_600_000 ? at : instantOf(zone, hourOfWeek, minute, weeksBack + 1);
    };

    // the events, in chunks of multi-row inserts, in a shuffled-enough order (people interleaved by chunk)
    const started = performance.now();
    let rows: { profile: string; type: string; name: string | null; at: Date }[] = [];
    let loaded = 0;
    const flush = async () => {
      if (!rows.length) return;
      const batch = rows.sort((a, b) => a.at.getTime() - b.at.getTime());
      rows = [];
      await client.query(
        `INSERT INTO "Event" ("workspaceId", "messageId", type, name, "profileId", timestamp, "receivedAt", source)
         SELECT $1, gen_random_uuid()::text, t.type, t.name, t.profile, t.at, t.at, 'api'
           FROM unnest($2::uuid[], $3::text[], $4::text[], $5::timestamptz[]) AS t(profile, type, name, at)`,
        [
          workspace.id,
          batch.map((e) => e.profile),
          batch.map((e) => e.type),
          batch.map((e) => e.name),
          batch.map((e) => e.at),
        ],
      );
      loaded += batch.length;
    };
    for (const person of people) {
      const zone = person.zone ?? WORKSPACE_ZONE;
      for (let i = 0; i < person.opens; i++) {
        const r = random();
        const hour =
          r < 0.6 ? person.best : r < 0.75 ? (person.best + (random() < 0.5 ? 167 : 1)) % 168 : habitualHour();
        // a week back 1–WEEKS (the current week may not have happened yet)
        const at = instantOf(zone, hour, int(0, 59), int(1, WEEKS));
        rows.push({ profile: person.id, type: "track", name: "Email Opened", at });
        if (i % 2 === 1) rows.push({ profile: person.id, type: "track", name: "Product Viewed", at });
      }
      if (random() < 1 / 3)
        for (let i = int(1, 6); i > 0; i--)
          rows.push({
            profile: person.id,
            type: "page",
            name: null,
            at: instantOf(zone, int(0, 167), int(0, 59), int(1, WEEKS)),
          });
      if (rows.length >= CHUNK) await flush();
    }
    await flush();
    await client.query(`VACUUM ANALYZE "Event"`);
    console.log(`events: ${n(loaded)} in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    // 1. the fold
    const foldStart = performance.now();
    const folded = await updateSendTimes(() => now, { workspaceIds: [workspace.id] });
    const foldMs = performance.now() - foldStart;
    console.log(
      `fold: ${n(folded.scanned)} events scanned, ${n(folded.engagements)} engagements, ${folded.batches} batches in ${(foldMs / 1000).toFixed(1)} s: ${n(Math.round(folded.scanned / (foldMs / 1000)))} events/s`,
    );

    // 2 and 3. the choice, for everyone, with the stored rows read as the engine reads them
    const facts = new Map<string, Awaited<ReturnType<typeof loadSendTimeFacts>>>();
    const pool = pgPool();
    for (let i = 0; i < people.length; i += 5_000) {
      const chunk = people.slice(i, i + 5_000);
      const lookup = await loadSendTimeFacts(
        pool,
        chunk.map((p) => ({ workspaceId: workspace.id, profileId: p.id })),
      );
      for (const p of chunk) facts.set(p.id, lookup);
    }
    const chooseStart = performance.now();
    for (const strength of [PRIOR_ENGAGEMENTS, ...[1, 2, 5].filter((s) => s !== PRIOR_ENGAGEMENTS)]) {
      let rich = 0;
      let richRight = 0;
      let thin = 0;
      let thinWorkspace = 0;
      let thinRight = 0;
      let richOwn = 0;
      for (const person of people) {
        const f = facts.get(person.id)!(workspace.id, person.id)!;
        const weights = f.workspace!.weights;
        const alpha = (strength * f.workspace!.total) / Math.max(...weights);
        const choice = chooseBestTime({
          now,
          within: "7d",
          timeZone: person.zone ?? WORKSPACE_ZONE,
          zoneSource: person.zone ? "profile" : "workspace",
          own: f.own,
          workspace: f.workspace,
          prior: alpha,
        });
        if (person.opens >= 10) {
          rich++;
          if (choice.hourOfWeek === person.best) richRight++;
          if (choice.source === "own") richOwn++;
        } else {
          thin++;
          if (choice.source === "workspace") thinWorkspace++;
          if (choice.hourOfWeek === person.best) thinRight++;
        }
      }
      const mark = strength === PRIOR_ENGAGEMENTS ? " (the default)" : "";
      console.log(
        `prior ${strength} engagements${mark}: 10+ opens (${n(rich)} people): chosen hour right for ${pct(richRight, rich)} (target ≥ 80 %), own history used for ${pct(richOwn, rich)}; under 10 opens (${n(thin)}): workspace fallback for ${pct(thinWorkspace, thin)}, right anyway for ${pct(thinRight, thin)}`,
      );
      if (strength === PRIOR_ENGAGEMENTS) {
        const ms = performance.now() - chooseStart;
        console.log(
          `choice: ${n(people.length)} people in ${(ms / 1000).toFixed(2)} s (${n(Math.round(people.length / (ms / 1000)))} people/s)`,
        );
      }
    }
    await closePgPool();
  } finally {
    await client.end();
    await database.drop();
  }
}

runBench(main);
