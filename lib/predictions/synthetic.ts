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
 *   - "Session Started" events at a daily rate a (active) or a/20 (dormant);
 *   - "Order Completed" (with a `revenue`) at a daily hazard h = 0.012 × √a × (pro ? 2 : 1) × (active ? 1 : 0.1)
 *     (noise: everything is drawn at random).
 *
 * The model sees only the events and the trait; the hidden state it can only infer (from recency and frequency of
 * sessions). The oracle knows a, the plan and the state at the cut-off, and computes the exact probability of at
 * least one order in the next N days by running the chain forward: no model of the events can rank better.
 */

export type SyntheticShop = {
  people: number;
  days: number;
  /** mean daily sessions of an active person */
  activity: number;
  seed: number;
  /** `recencyOnly`: orders depend only on the hidden state (no activity level, no plan), for the baseline gate */
  recencyOnly?: boolean;
  /** how many times more often a "pro" person orders (default 2) */
  planEffect?: number;
};

export type SyntheticPerson = {
  id: string;
  firstSeen: number;
  activity: number;
  pro: boolean;
  /** the hidden state (true: active) at the start of each day */
  active: Uint8Array;
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

function hazard(shop: SyntheticShop, p: SyntheticPerson, active: boolean): number {
  if (shop.recencyOnly) return active ? 0.03 : 0.002;
  return 0.012 * Math.sqrt(p.activity) * (p.pro ? (shop.planEffect ?? 2) : 1) * (active ? 1 : 0.1);
}

/** The true probability of at least one order in the `horizon` days from `day` (the oracle). */
export function oracleProbability(shop: SyntheticShop, p: SyntheticPerson, day: number, horizon: number): number {
  // probability of (no order so far, in state s) run forward day by day
  let active = p.active[day] ? 1 : 0;
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
    };
    let events: { profileId: string; name: string; at: number; revenue: number | null }[] = [];
    let active = true;
    for (let day = p.firstSeen; day <= shop.days; day++) {
      p.active[day] = active ? 1 : 0;
      if (day === shop.days) break;
      const dayStart = start + day * DAY_MS;
      // the first event marks the day the person is first seen
      if (day === p.firstSeen)
        events.push({ profileId: p.id, name: "Session Started", at: dayStart + 1000, revenue: null });
      const rate = active ? p.activity : p.activity / 20;
      let sessions = 0;
      for (let k = 0; k < 6; k++) if (random() < rate / 6) sessions++;
      for (let k = 0; k < sessions; k++)
        events.push({
          profileId: p.id,
          name: "Session Started",
          at: dayStart + Math.floor(random() * DAY_MS),
          revenue: null,
        });
      if (random() < hazard(shop, p, active))
        events.push({
          profileId: p.id,
          name: "Order Completed",
          at: dayStart + Math.floor(random() * DAY_MS),
          revenue: Math.round(20 + 80 * random()),
        });
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
  people: SyntheticPerson[],
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
