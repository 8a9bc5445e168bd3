import { randomUUID } from "node:crypto";
import type { Queryable } from "@/lib/db/sql";
import { DAY_MS } from "@/lib/segments/evaluate";

/**
 * A synthetic shop whose purchases follow a known hidden process, for the training tests and
 * `npm run bench:predictions`. Every person has
 *
 *   - an activity level a ~ lognormal(ln(activity), 0.8) and a plan trait ("pro" with probability 0.3);
 *   - a hidden state, active or dormant, that moves as a daily Markov chain (active → dormant with probability
 *     0.03, dormant → active 0.01); everyone starts active on the day they are first seen;
 *   - "Session Started" events at a daily rate a (active) or a/20 (dormant).
 *
 * What drives the orders ("Order Completed", with a `revenue`) is one of two processes:
 *
 *   - `hidden_state` (the default): a daily hazard h = 0.012 × √a × (pro ? 2 : 1) × (active ? 1 : 0.1). The hazard
 *     depends on the hidden state, which no model of the events can know: it can only be inferred (from the
 *     recency and frequency of sessions), so even the best possible model ranks below the oracle.
 *     `filteredProbability` is that best possible model (it even knows a and the plan), the ceiling for this one.
 *   - `observed_drivers`: the hazard of day d depends on what the person did before d, as the example
 *     process does (recency, frequency, engagement and a trait), with the noise of every draw:
 *       h = 0.003 × (pro ? 2 : 1) × (0.2 + e^(−r/7)) × √(1 + f) × (1 + 0.5·o)
 *     where r is the days since the last session, f the sessions and o the newsletter opens of the last 30 days.
 *     A newsletter goes out every 7 days and is opened ("Email Opened") with probability 0.5 when active, 0.05
 *     when dormant. The hidden state still drives sessions and opens, so the future drivers are uncertain.
 *
 * The oracle knows a, the plan and the state at the cut-off, and computes the probability of at least one order
 * in the next N days by running the process forward (exactly for `hidden_state`; for `observed_drivers` averaged
 * over simulated futures of sessions and opens, the order probability of each future computed exactly).
 */

export type SyntheticShop = {
  people: number;
  days: number;
  /** mean daily sessions of an active person */
  activity: number;
  seed: number;
  /** `recencyOnly`: orders depend only on the hidden state (no activity level, no plan), for the baseline gate */
  recencyOnly?: boolean;
  /** how many times more often a "pro" person orders (default 2; `hidden_state` only) */
  planEffect?: number;
  /** what drives orders (see above; default `hidden_state`) */
  process?: "hidden_state" | "observed_drivers";
};

export type SyntheticPerson = {
  id: string;
  firstSeen: number;
  activity: number;
  pro: boolean;
  /** the hidden state (true: active) at the start of each day */
  active: Uint8Array;
  /** what the person did each day: sessions, newsletter opens and orders */
  sessions: Uint8Array;
  opens: Uint8Array;
  orders: Uint8Array;
};

/** A small, fast, seeded generator (mulberry32): the same seed makes the same shop. */
export function rng(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
}

const TO_DORMANT = 0.03;
const TO_ACTIVE = 0.01;
/** newsletters go out on the days d with d % 7 === NEWSLETTER_DAY (`observed_drivers`) */
const NEWSLETTER_DAY = 3;
const OPEN_ACTIVE = 0.5;
const OPEN_DORMANT = 0.05;
/** how many simulated futures the `observed_drivers` oracle averages */
const FUTURES = 64;

const observed = (shop: SyntheticShop) => shop.process === "observed_drivers";

function hazard(shop: SyntheticShop, p: SyntheticPerson, active: boolean): number {
  if (shop.recencyOnly) return active ? 0.03 : 0.002;
  return 0.012 * Math.sqrt(p.activity) * (p.pro ? (shop.planEffect ?? 2) : 1) * (active ? 1 : 0.1);
}

/** `observed_drivers`: the daily order hazard from the days since the last session, and the last 30 days. */
function observedHazard(pro: boolean, recencyDays: number, sessions30: number, opens30: number): number {
  return Math.min(
    1,
    0.003 * (pro ? 2 : 1) * (0.2 + Math.exp(-recencyDays / 7)) * Math.sqrt(1 + sessions30) * (1 + 0.5 * opens30),
  );
}

/** A person's drivers at the start of `day` from what they did before it. */
function driversAt(p: SyntheticPerson, day: number): { last: number; sessions30: number; opens30: number } {
  let sessions30 = 0;
  let opens30 = 0;
  for (let d = Math.max(0, day - 30); d < day; d++) {
    sessions30 += p.sessions[d];
    opens30 += p.opens[d];
  }
  let last = day;
  for (let d = day - 1; d >= p.firstSeen; d--)
    if (p.sessions[d]) {
      last = d;
      break;
    }
  return { last, sessions30, opens30 };
}

/** The sessions of one day: six chances at rate/6 (the generator's own draw). */
function drawSessions(random: () => number, rate: number): number {
  let sessions = 0;
  for (let k = 0; k < 6; k++) if (random() < rate / 6) sessions++;
  return sessions;
}

/** P(no order in `horizon` days) for `hidden_state`, from P(active) at the start (the chain run forward). */
function hiddenStateProbability(
  shop: SyntheticShop,
  p: SyntheticPerson,
  activeProbability: number,
  horizon: number,
): number {
  let active = activeProbability;
  let dormant = 1 - active;
  const ha = hazard(shop, p, true);
  const hd = hazard(shop, p, false);
  for (let d = 0; d < horizon; d++) {
    const a = active * (1 - ha);
    const s = dormant * (1 - hd);
    active = a * (1 - TO_DORMANT) + s * TO_ACTIVE;
    dormant = a * TO_DORMANT + s * (1 - TO_ACTIVE);
  }
  return 1 - (active + dormant);
}

/**
 * P(at least one order in `horizon` days from `day`) for `observed_drivers`: the mean over simulated futures of
 * sessions and opens (the chain from `activeProbability`), each future's no-order probability computed exactly.
 * The futures use the same random numbers for everyone, so the ranking is not blurred by different draws.
 */
function observedDriversProbability(
  shop: SyntheticShop,
  p: SyntheticPerson,
  day: number,
  horizon: number,
  activeProbability: number,
): number {
  const random = rng(shop.seed * 7919 + day);
  const start = driversAt(p, day);
  const simulated = new Uint8Array(horizon);
  const simulatedOpens = new Uint8Array(horizon);
  const sessionsOn = (d: number) => (d < day ? p.sessions[d] : simulated[d - day]);
  const opensOn = (d: number) => (d < day ? p.opens[d] : simulatedOpens[d - day]);
  let noOrder = 0;
  for (let path = 0; path < FUTURES; path++) {
    let { last, sessions30, opens30 } = start;
    let active = random() < activeProbability;
    let survive = 1;
    for (let d = day; d < day + horizon; d++) {
      survive *= 1 - observedHazard(p.pro, d - last, sessions30, opens30);
      const sessions = drawSessions(random, active ? p.activity : p.activity / 20);
      const opened = d % 7 === NEWSLETTER_DAY && random() < (active ? OPEN_ACTIVE : OPEN_DORMANT) ? 1 : 0;
      simulated[d - day] = sessions;
      simulatedOpens[d - day] = opened;
      if (sessions) last = d;
      sessions30 += sessions - (d - 30 >= 0 ? sessionsOn(d - 30) : 0);
      opens30 += opened - (d - 30 >= 0 ? opensOn(d - 30) : 0);
      active = active ? random() >= TO_DORMANT : random() < TO_ACTIVE;
    }
    noOrder += survive;
  }
  return 1 - noOrder / FUTURES;
}

/** The true probability of at least one order in the `horizon` days from `day` (the oracle). */
export function oracleProbability(shop: SyntheticShop, p: SyntheticPerson, day: number, horizon: number): number {
  const active = p.active[day] ? 1 : 0;
  return observed(shop)
    ? observedDriversProbability(shop, p, day, horizon, active)
    : hiddenStateProbability(shop, p, active, horizon);
}

function binomial6(k: number, q: number): number {
  if (q >= 1) return k === 6 ? 1 : 0;
  let c = 1;
  for (let i = 0; i < k; i++) c = (c * (6 - i)) / (i + 1);
  return c * q ** k * (1 - q) ** (6 - k);
}

/**
 * The best any model of the events could do (and a little better, since it knows a and the plan): the
 * probability of the state at `day` given everything the person did before it (a Bayes filter over the chain:
 * sessions, opens, and for `hidden_state` orders, whose hazard depends on the state), run forward as the oracle
 * does. The ceiling the bench prints beside the oracle.
 */
export function filteredProbability(shop: SyntheticShop, p: SyntheticPerson, day: number, horizon: number): number {
  const ha = hazard(shop, p, true);
  const hd = hazard(shop, p, false);
  let active = 1;
  let dormant = 0;
  for (let d = p.firstSeen; d < day; d++) {
    const k = Math.min(6, p.sessions[d] - (d === p.firstSeen ? 1 : 0)); // the first day's marker is not a draw
    let la = binomial6(k, Math.min(1, p.activity / 6));
    let ld = binomial6(k, Math.min(1, p.activity / 120));
    if (observed(shop)) {
      if (d % 7 === NEWSLETTER_DAY) {
        la *= p.opens[d] ? OPEN_ACTIVE : 1 - OPEN_ACTIVE;
        ld *= p.opens[d] ? OPEN_DORMANT : 1 - OPEN_DORMANT;
      }
    } else {
      la *= p.orders[d] ? ha : 1 - ha;
      ld *= p.orders[d] ? hd : 1 - hd;
    }
    const a = active * la;
    const s = dormant * ld;
    const total = a + s || Number.MIN_VALUE;
    active = (a * (1 - TO_DORMANT) + s * TO_ACTIVE) / total;
    dormant = (a * TO_DORMANT + s * (1 - TO_ACTIVE)) / total;
  }
  return observed(shop)
    ? observedDriversProbability(shop, p, day, horizon, active)
    : hiddenStateProbability(shop, p, active, horizon);
}

/**
 * Generates the shop day by day, calling `emit` with each batch of events (to stream them into the database
 * without holding five million in memory). Day 0 is `start`; people are first seen in the first two thirds.
 */
export function generateShop(
  shop: SyntheticShop,
  start: number,
  emit: (events: { profileId: string; name: string; at: number; revenue: number | null }[]) => void,
): SyntheticPerson[] {
  const random = rng(shop.seed);
  const people: SyntheticPerson[] = [];
  for (let i = 0; i < shop.people; i++) {
    const p: SyntheticPerson = {
      id: randomUUID(),
      firstSeen: Math.floor(random() * shop.days * 0.66),
      activity: shop.recencyOnly ? shop.activity : shop.activity * Math.exp(0.8 * gaussian(random) - 0.32),
      pro: shop.recencyOnly ? false : random() < 0.3,
      active: new Uint8Array(shop.days + 1),
      sessions: new Uint8Array(shop.days + 1),
      opens: new Uint8Array(shop.days + 1),
      orders: new Uint8Array(shop.days + 1),
    };
    let events: { profileId: string; name: string; at: number; revenue: number | null }[] = [];
    let active = true;
    // the drivers of `observed_drivers`, rolled forward day by day
    let last = p.firstSeen;
    let sessions30 = 0;
    let opens30 = 0;
    for (let day = p.firstSeen; day <= shop.days; day++) {
      p.active[day] = active ? 1 : 0;
      if (day === shop.days) break;
      const dayStart = start + day * DAY_MS;
      const h = observed(shop) ? observedHazard(p.pro, day - last, sessions30, opens30) : hazard(shop, p, active);
      // the first event marks the day the person is first seen
      if (day === p.firstSeen) {
        events.push({ profileId: p.id, name: "Session Started", at: dayStart + 1000, revenue: null });
        p.sessions[day]++;
      }
      const sessions = drawSessions(random, active ? p.activity : p.activity / 20);
      for (let k = 0; k < sessions; k++)
        events.push({
          profileId: p.id,
          name: "Session Started",
          at: dayStart + Math.floor(random() * DAY_MS),
          revenue: null,
        });
      p.sessions[day] += sessions;
      if (observed(shop) && day % 7 === NEWSLETTER_DAY && random() < (active ? OPEN_ACTIVE : OPEN_DORMANT)) {
        events.push({
          profileId: p.id,
          name: "Email Opened",
          at: dayStart + Math.floor(random() * DAY_MS),
          revenue: null,
        });
        p.opens[day] = 1;
      }
      if (random() < h) {
        events.push({
          profileId: p.id,
          name: "Order Completed",
          at: dayStart + Math.floor(random() * DAY_MS),
          revenue: Math.round(20 + 80 * random()),
        });
        p.orders[day] = 1;
      }
      if (p.sessions[day]) last = day;
      sessions30 += p.sessions[day] - (day - 30 >= 0 ? p.sessions[day - 30] : 0);
      opens30 += p.opens[day] - (day - 30 >= 0 ? p.opens[day - 30] : 0);
      active = active ? random() >= TO_DORMANT : random() < TO_ACTIVE;
    }
    for (let day = 0; day < p.firstSeen; day++) p.active[day] = 0;
    people.push(p);
    if (events.length) emit(events);
    events = [];
  }
  return people;
}

/** Inserts the people as profiles (first and last seen from their events) with their plan trait. */
export async function insertPeople(
  q: Queryable,
  workspaceId: string,
  people: Pick<SyntheticPerson, "id" | "firstSeen" | "pro">[],
  start: number,
  lastSeen: Map<string, number>,
): Promise<void> {
  for (let i = 0; i < people.length; i += 5000) {
    const batch = people.slice(i, i + 5000);
    await q.query(
      `INSERT INTO "Profile" (id, "workspaceId", traits, "firstSeenAt", "lastSeenAt")
       SELECT id, $1, jsonb_build_object('plan', plan), first, last
         FROM unnest($2::uuid[], $3::text[], $4::timestamptz[], $5::timestamptz[]) AS t(id, plan, first, last)`,
      [
        workspaceId,
        batch.map((p) => p.id),
        batch.map((p) => (p.pro ? "pro" : "free")),
        batch.map((p) => new Date(start + p.firstSeen * DAY_MS)),
        batch.map((p) => new Date(lastSeen.get(p.id) ?? start + p.firstSeen * DAY_MS)),
      ],
    );
  }
}

/** Inserts events with one multi-row statement per call. */
export async function insertEvents(
  q: Queryable,
  workspaceId: string,
  events: { profileId: string; name: string; at: number; revenue: number | null }[],
): Promise<void> {
  if (!events.length) return;
  await q.query(
    `INSERT INTO "Event" ("workspaceId", "messageId", type, name, "profileId", properties, timestamp, "receivedAt")
     SELECT $1, gen_random_uuid()::text, 'track', name, pid,
            CASE WHEN revenue IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('revenue', revenue) END, at, at
       FROM unnest($2::uuid[], $3::text[], $4::timestamptz[], $5::float8[]) AS t(pid, name, at, revenue)`,
    [
      workspaceId,
      events.map((e) => e.profileId),
      events.map((e) => e.name),
      events.map((e) => new Date(e.at)),
      events.map((e) => e.revenue),
    ],
  );
}
