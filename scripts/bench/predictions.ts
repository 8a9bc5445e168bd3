/**
 * npm run bench:predictions — training, validation and scoring of a prediction (lib/predictions) on a real Postgres.
 *
 * The hidden process (lib/predictions/synthetic.ts, where it is written out): PEOPLE people (default 200,000) over
 * 180 days, first seen in the first 120. Each has an activity level a ~ lognormal, a plan trait ("pro" 30 %), and a
 * hidden state, active or dormant, that moves as a daily Markov chain (active → dormant 3 %/day, dormant → active
 * 1 %/day). Sessions ("Session Started") come at a/day when active, a/20 when dormant. BENCH_PROCESS picks what
 * drives the orders ("Order Completed", with a revenue):
 *
 *   - `observed_drivers` (the default, the issue's example process): a daily hazard from the person's recency,
 *     frequency, newsletter engagement ("Email Opened", a newsletter every 7 days) and plan, with noise;
 *   - `hidden_state`: a daily hazard 0.012 × √a × (pro ? 2 : 1) × (active ? 1 : 0.1), which depends on the hidden
 *     state itself: no model of the events can know it, only infer it.
 *
 * About 25 events a person: 5,000,000 at full scale. Besides the oracle (which knows the hidden state) the bench
 * prints the ceiling: the best any model of the events could rank, a Bayes filter over the chain that also knows a
 * and the plan (synthetic.ts filteredProbability). The ceiling says how much of a gap to the oracle is the data's.
 *
 *   1. a fresh database on DATABASE_URL's server (default the local Postgres at 127.0.0.1:5432), the people and
 *      their events loaded with multi-row inserts;
 *   2. "will the person order in the next 14 days": trainPrediction() timed end to end (feature SQL per cut-off,
 *      fitting, calibration, validation, storing);
 *   3. quality on the held-out period: the model's AUC, the oracle's AUC (the exact probability from the hidden
 *      state, activity and plan at the validation cut-off, lib/predictions/synthetic.ts oracleProbability) on the
 *      same people, the recency baseline, and the ratio model/oracle;
 *   4. scoring: scorePrediction() over everyone, profiles/s end to end (features SQL, maths, upserts, change rows),
 *      then the daily rescoring a day later (every score exists: updates), and the maths alone (scoreRows on the
 *      feature matrix).
 *
 * Timings are printed, never asserted; the machine is shared (the load average is printed). BENCH_SCALE (default 1)
 * multiplies PEOPLE (0.1 = 20,000 people, ~500,000 events). BENCH_KEEP_DB=1 keeps the database.
 */
import { loadavg } from "node:os";
import { freshDatabase, runBench } from "./harness";

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const PROCESS = process.env.BENCH_PROCESS === "hidden_state" ? "hidden_state" : "observed_drivers";
const PEOPLE = Math.round(200_000 * SCALE);
const DAYS = 180;
const HORIZON = 14;
const CHUNK = 50_000;
const DAY_MS = 86_400_000;

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const n = (x: number) => Math.round(x).toLocaleString("en-US");
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");

async function main() {
  console.log(
    `bench:predictions: ${n(PEOPLE)} people over ${DAYS} days (BENCH_SCALE=${SCALE}), process ${PROCESS}; load average ${load()}`,
  );
  const database = await freshDatabase("cairn_bench_predictions");
  process.env.DATABASE_URL = database.url;
  try {
    const { db } = await import("../../lib/db/client");
    const { pgPool, closePgPool } = await import("../../lib/db/pool");
    const synthetic = await import("../../lib/predictions/synthetic");
    const { trainPrediction } = await import("../../lib/predictions/train");
    const { scorePrediction } = await import("../../lib/predictions/score");
    const { featureMatrix, peopleWhoDid } = await import("../../lib/predictions/store/features");
    const { parseFeature } = await import("../../lib/predictions/features/catalog");
    const { scoreRows } = await import("../../lib/predictions/scoring/apply");
    const { auc } = await import("../../lib/predictions/training/metrics");

    const workspace = await db().workspace.create({ data: { name: "Bench predictions", slug: `bench-${Date.now()}` } });
    // the activity levels keep both processes near 25 events a person
    const shop = {
      people: PEOPLE,
      days: DAYS,
      activity: PROCESS === "observed_drivers" ? 0.37 : 0.5,
      seed: 42,
      process: PROCESS,
    } as const;
    const start = Date.parse("2026-01-01T00:00:00Z");
    const now = new Date(start + DAYS * DAY_MS);

    // 1. load
    const loadStart = performance.now();
    let pending: { profileId: string; name: string; at: number; revenue: number | null }[] = [];
    const chunks: (typeof pending)[] = [];
    const lastSeen = new Map<string, number>();
    const people = synthetic.generateShop(shop, start, (events) => {
      for (const e of events) lastSeen.set(e.profileId, Math.max(lastSeen.get(e.profileId) ?? 0, e.at));
      pending.push(...events);
      if (pending.length >= CHUNK) {
        chunks.push(pending);
        pending = [];
      }
    });
    chunks.push(pending);
    await synthetic.insertPeople(pgPool(), workspace.id, people, start, lastSeen);
    let loaded = 0;
    for (const chunk of chunks) {
      await synthetic.insertEvents(pgPool(), workspace.id, chunk);
      loaded += chunk.length;
      process.stdout.write(`\r  loaded ${n(loaded)} events (${secs(performance.now() - loadStart)})`);
    }
    process.stdout.write("\n");
    await pgPool().query(`ANALYZE "Event"; ANALYZE "Profile"`);
    console.log(`data: ${n(PEOPLE)} people, ${n(loaded)} events, loaded in ${secs(performance.now() - loadStart)}`);

    // 2. train
    const prediction = await db().prediction.create({
      data: {
        workspaceId: workspace.id,
        key: "purchase_14d",
        name: "Purchase in 14 days",
        kind: "propensity",
        target: { eventName: "Order Completed", filters: [] },
        horizonDays: HORIZON,
        createdByLabel: "bench",
        updatedByLabel: "bench",
      },
    });
    const trainStart = performance.now();
    const trained = await trainPrediction(workspace.id, prediction.id, () => now);
    const trainMs = performance.now() - trainStart;
    const model = await db().predictionModel.findFirstOrThrow({ where: { predictionId: prediction.id } });
    const quality = model.quality as import("../../lib/predictions/types").ModelQuality | null;
    console.log(
      `training: ${secs(trainMs)} (target ≤ 60 s) — ${trained.status}, ${model.verdict}; ${n(model.examples)} training examples, ${n(model.positives)} positive; load average ${load()}`,
    );
    if (!quality) throw new Error(`no quality: ${model.error}`);

    // 3. quality against the oracle, on the validation people
    const validationDay = DAYS - HORIZON;
    const validationAt = new Date(start + validationDay * DAY_MS);
    const did = await peopleWhoDid(pgPool(), {
      workspaceId: workspace.id,
      from: validationAt,
      to: now,
      eventNames: ["Order Completed"],
      filters: [],
    });
    const validationPeople = people.filter((p) => p.firstSeen < validationDay);
    const oracle = validationPeople.map((p) => synthetic.oracleProbability(shop, p, validationDay, HORIZON));
    const labels = validationPeople.map((p) => (did.has(p.id) ? 1 : 0));
    const oracleAuc = auc(oracle, labels);
    const ceiling = validationPeople.map((p) => synthetic.filteredProbability(shop, p, validationDay, HORIZON));
    const ceilingAuc = auc(ceiling, labels);
    console.log(
      `held-out AUC ${quality.auc.value.toFixed(3)} (95 % ${quality.auc.low.toFixed(3)}–${quality.auc.high.toFixed(3)}), oracle AUC ${oracleAuc.toFixed(3)}, ratio ${(quality.auc.value / oracleAuc).toFixed(3)} (target ≥ 0.95); recency baseline ${quality.baselineAuc.toFixed(3)}; training AUC ${quality.training.auc.toFixed(3)}`,
    );
    console.log(
      `ceiling (a Bayes filter of the events that also knows a and the plan) AUC ${ceilingAuc.toFixed(3)}, ${(ceilingAuc / oracleAuc).toFixed(3)} of the oracle; the model reaches ${(quality.auc.value / ceilingAuc).toFixed(3)} of the ceiling`,
    );
    console.log(
      `validation: ${n(quality.classBalance.examples)} people (oracle set ${n(validationPeople.length)}), ${(100 * quality.classBalance.rate).toFixed(1)} % positive; lift top 10 % ${quality.lift.top10.toFixed(2)}, top 20 % ${quality.lift.top20.toFixed(2)}`,
    );
    console.log(
      `calibration (predicted → observed, count): ${quality.calibration.map((b) => `${b.predicted.toFixed(3)}→${b.observed.toFixed(3)} (${n(b.count)})`).join(", ")}`,
    );

    // 4. scoring
    const scoreStart = performance.now();
    const scored = await scorePrediction(workspace.id, prediction.id, () => now);
    const scoreMs = performance.now() - scoreStart;
    console.log(
      `scoring end to end: ${n(scored.scored)} profiles in ${secs(scoreMs)}, ${n(scored.scored / (scoreMs / 1000))} profiles/s (target ≥ 20,000); ${n(scored.changed)} change rows`,
    );
    // the daily rescoring: everyone already has a score, a day has passed
    const rescoreStart = performance.now();
    const rescored = await scorePrediction(workspace.id, prediction.id, () => new Date(now.getTime() + DAY_MS));
    const rescoreMs = performance.now() - rescoreStart;
    console.log(
      `rescoring a day later (everyone has a score): ${n(rescored.scored)} profiles in ${secs(rescoreMs)}, ${n(rescored.scored / (rescoreMs / 1000))} profiles/s; ${n(rescored.changed)} change rows`,
    );
    const artifact = model.artifact as import("../../lib/predictions/types").ModelArtifact;
    const matrixStart = performance.now();
    const matrix = await featureMatrix(
      pgPool(),
      { workspaceId: workspace.id, cutoff: now, audienceSegmentId: null },
      artifact.features.map((f) => parseFeature(f.name)),
    );
    const sqlMs = performance.now() - matrixStart;
    const mathStart = performance.now();
    scoreRows(artifact, matrix.values);
    const mathMs = performance.now() - mathStart;
    console.log(
      `scoring parts: features SQL for everyone ${secs(sqlMs)}; the maths (scores, tiers, 3 reasons) ${n(matrix.ids.length / (mathMs / 1000))} profiles/s`,
    );
    await closePgPool();
  } finally {
    if (process.env.BENCH_KEEP_DB !== "1") await database.drop();
  }
}

runBench(main);
