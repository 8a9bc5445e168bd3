import { z } from "zod";
import { withTransaction } from "@/lib/db/pool";
import { type Queryable, selectRows } from "@/lib/db/sql";
import type { TPropertyFilter } from "@/lib/journeys/graph";
import { compareSql, DAY_MS, SqlParams } from "@/lib/segments/evaluate";
import { type FeatureDef, RECENCY_CAP_DAYS, SEEN_CAP_DAYS, WINDOW_DAYS } from "../features/catalog";

/**
 * The SQL of Predictions' time travel: who was a person at a cut-off, what they looked like then (features from
 * rows dated before the cut-off only), and who did the target in the window after it. One statement per
 * cut-off (or per scoring batch), never one per person.
 *
 * A person is a surviving profile (mergedIntoId IS NULL) with the events and messages of the profiles merged into
 * them, as segments count them. The audience is the segment's membership *now* (memberships keep no history),
 * so an example at an earlier cut-off is a person in the audience today who existed then.
 *
 * Traits are the profile's current traits: the store keeps no trait history, so a trait that the target itself
 * changes (say a "last_order_at" set on purchase) can leak the label into training. Choosing traits with enough
 * coverage is automatic; keeping such traits out is the workspace's care (see ARCHITECTURE.md, Predictions).
 */

export type PeopleScope = {
  workspaceId: string;
  /** features as of this moment: rows dated before it */
  cutoff: Date;
  /** only members of this segment (now) */
  audienceSegmentId: string | null;
  /** a batch: people with id > afterId, at most `limit`, in id order */
  afterId?: string;
  limit?: number;
  /** or exactly these people */
  ids?: string[];
};

const days = (ms: number) => `${ms / DAY_MS} days`;

/** The people of the scope as of the cut-off: surviving profiles first seen before it, in id order. */
function peopleSql(scope: PeopleScope, q: SqlParams, ws: string, cut: string): string {
  const terms = [`p."workspaceId" = ${ws}`, `p."mergedIntoId" IS NULL`, `p."firstSeenAt" < ${cut}`];
  if (scope.audienceSegmentId)
    terms.push(
      `p.id IN (SELECT m."profileId" FROM "SegmentMembership" m WHERE m."segmentId" = ${q.add(scope.audienceSegmentId, "uuid")} AND m."workspaceId" = ${ws})`,
    );
  if (scope.afterId) terms.push(`p.id > ${q.add(scope.afterId, "uuid")}`);
  if (scope.ids) terms.push(`p.id = ANY(${q.add(scope.ids, "uuid[]")})`);
  const limit = scope.limit ? ` LIMIT ${q.add(scope.limit, "int")}` : "";
  return `SELECT p.id, p."firstSeenAt", p.traits, p.timezone FROM "Profile" p WHERE ${terms.join(" AND ")} ORDER BY p.id${limit}`;
}

/** Each person and the profiles merged into them, as (source profile id, person id). */
const SOURCES = `SELECT id AS src, id AS pid FROM people
  UNION ALL SELECT s.id, s."mergedIntoId" FROM "Profile" s WHERE s."mergedIntoId" IN (SELECT id FROM people)`;

const MONEY_KEYS = ["revenue", "total", "value", "price"];
const money = `COALESCE(${MONEY_KEYS.map((k) => `CASE WHEN jsonb_typeof(e.properties -> '${k}') = 'number' THEN (e.properties ->> '${k}')::float8 END`).join(", ")})`;

const Row = z.object({ id: z.string(), f: z.array(z.coerce.number()) });

export type FeatureMatrix = {
  /** person ids, in row order (ascending) */
  ids: string[];
  /** row-major, ids.length × features.length, raw (untransformed) values */
  values: Float64Array;
  width: number;
};

/** The raw feature values of every person in the scope as of its cut-off: one statement. */
export async function featureMatrix(db: Queryable, scope: PeopleScope, features: FeatureDef[]): Promise<FeatureMatrix> {
  const q = new SqlParams();
  const ws = q.add(scope.workspaceId, "uuid");
  const cut = q.add(scope.cutoff, "timestamptz");
  const since = (d: number) => `${cut} - interval '${days(d * DAY_MS)}'`;
  const daysBefore = (t: string) => `EXTRACT(EPOCH FROM (${cut} - ${t})) / 86400`;

  const eventColumns: string[] = [];
  const messageColumns: string[] = [];
  const usesMoney = features.some((f) => f.kind === "monetary_90d");
  const out: string[] = [];
  for (const f of features) {
    switch (f.kind) {
      case "event": {
        const name = q.add(f.eventName, "text");
        const col = `c${eventColumns.length}`;
        if (f.measure === "days_since_last") {
          eventColumns.push(`${daysBefore(`max(n.last) FILTER (WHERE n.name = ${name})`)} AS ${col}`);
          out.push(`LEAST(COALESCE(ev.${col}, ${RECENCY_CAP_DAYS}), ${RECENCY_CAP_DAYS})`);
        } else {
          const d = { count_7d: "c7", count_30d: "c30", count_90d: "c90" }[f.measure];
          eventColumns.push(`sum(n.${d}) FILTER (WHERE n.name = ${name}) AS ${col}`);
          out.push(`COALESCE(ev.${col}, 0)`);
        }
        break;
      }
      case "all": {
        const col = `c${eventColumns.length}`;
        if (f.measure === "days_since_last") {
          eventColumns.push(`${daysBefore("max(n.last)")} AS ${col}`);
          out.push(`LEAST(COALESCE(ev.${col}, ${RECENCY_CAP_DAYS}), ${RECENCY_CAP_DAYS})`);
        } else if (f.measure === "trend_30d") {
          eventColumns.push(`ln((sum(n.c30) + 1)::float8 / (sum(n.c30_60) + 1)) AS ${col}`);
          out.push(`COALESCE(ev.${col}, 0)`);
        } else {
          eventColumns.push(`sum(n.${f.measure === "count_30d" ? "c30" : "c90"}) AS ${col}`);
          out.push(`COALESCE(ev.${col}, 0)`);
        }
        break;
      }
      case "monetary_90d": {
        const col = `c${eventColumns.length}`;
        eventColumns.push(`sum(n.money) AS ${col}`);
        out.push(`COALESCE(ev.${col}, 0)`);
        break;
      }
      case "message": {
        const col = `m${messageColumns.length}`;
        messageColumns.push(
          `count(*) FILTER (WHERE m.channel = ${q.add(f.channel, "text")} AND me.type = ${q.add(f.engagement, "text")}) AS ${col}`,
        );
        out.push(`COALESCE(msg.${col}, 0)`);
        break;
      }
      case "days_since_first_seen":
        out.push(`LEAST(${daysBefore(`people."firstSeenAt"`)}, ${SEEN_CAP_DAYS})`);
        break;
      case "trait_number":
        out.push(
          `COALESCE(CASE WHEN jsonb_typeof(people.traits -> ${q.add(f.trait, "text")}) = 'number' THEN (people.traits ->> ${q.add(f.trait, "text")})::float8 END, 0)`,
        );
        break;
      case "trait_value":
        out.push(
          `CASE WHEN (people.traits ->> ${q.add(f.trait, "text")}) = ${q.add(f.value, "text")} THEN 1 ELSE 0 END`,
        );
        break;
      case "has_timezone":
        out.push(`CASE WHEN people.timezone IS NOT NULL THEN 1 ELSE 0 END`);
        break;
      case "has_locale":
        out.push(`CASE WHEN (people.traits ->> 'locale') IS NOT NULL THEN 1 ELSE 0 END`);
        break;
    }
  }

  const ctes = [`people AS (${peopleSql(scope, q, ws, cut)})`, `sources AS (${SOURCES})`];
  const joins: string[] = [];
  if (eventColumns.length) {
    // two steps: the few measures every feature is made of, per person and event name (each event row feeds six
    // aggregates), then each feature from those rows (a handful per person). One step with a filtered aggregate
    // per feature evaluated some seventy filters on every event row, most of the feature query's time.
    ctes.push(`evn AS (SELECT s.pid, e.name,
        count(*) FILTER (WHERE e.timestamp >= ${since(7)}) AS c7,
        count(*) FILTER (WHERE e.timestamp >= ${since(30)}) AS c30,
        count(*) FILTER (WHERE e.timestamp >= ${since(60)} AND e.timestamp < ${since(30)}) AS c30_60,
        count(*) FILTER (WHERE e.timestamp >= ${since(90)}) AS c90, max(e.timestamp) AS last${usesMoney ? `, sum(${money}) AS money` : ""}
      FROM sources s JOIN "Event" e ON e."workspaceId" = ${ws} AND e."profileId" = s.src
      WHERE e.timestamp >= ${since(WINDOW_DAYS)} AND e.timestamp < ${cut} GROUP BY s.pid, e.name)`);
    ctes.push(`ev AS (SELECT n.pid, ${eventColumns.join(", ")} FROM evn n GROUP BY n.pid)`);
    joins.push("LEFT JOIN ev ON ev.pid = people.id");
  }
  if (messageColumns.length) {
    ctes.push(`msg AS (SELECT s.pid, ${messageColumns.join(", ")}
      FROM sources s JOIN "Message" m ON m."workspaceId" = ${ws} AND m."profileId" = s.src
      JOIN "MessageEvent" me ON me."messageId" = m.id
      WHERE me.at >= ${since(WINDOW_DAYS)} AND me.at < ${cut} AND me.type IN ('opened', 'clicked', 'unsubscribed')
      GROUP BY s.pid)`);
    joins.push("LEFT JOIN msg ON msg.pid = people.id");
  }
  const sql = `WITH ${ctes.join(",\n")}
    SELECT people.id, ARRAY[${out.length ? out.map((x) => `(${x})::float8`).join(", ") : ""}]::float8[] AS f
    FROM people ${joins.join(" ")} ORDER BY people.id`;
  const rows = await selectRows(db, Row, sql, q.values);
  const width = features.length;
  const values = new Float64Array(rows.length * width);
  rows.forEach((row, i) => values.set(row.f, i * width));
  return { ids: rows.map((r) => r.id), values, width };
}

/**
 * featureMatrix for a scoring batch, in a transaction of its own with JIT compilation off: a batch's plan costs
 * just over Postgres's jit_above_cost, and compiling it took 30 ms of a 200 ms statement, every batch.
 */
export function scoringFeatureMatrix(scope: PeopleScope, features: FeatureDef[]): Promise<FeatureMatrix> {
  return withTransaction(async (client) => {
    await client.query("SET LOCAL jit = off");
    return featureMatrix(client, scope, features);
  });
}

const Pid = z.object({ pid: z.string() });

/** The people who did one of `eventNames` (matching `filters`) in [from, to): the labels of a cut-off. */
export async function peopleWhoDid(
  db: Queryable,
  input: { workspaceId: string; from: Date; to: Date; eventNames: string[]; filters: TPropertyFilter[] },
): Promise<Set<string>> {
  const q = new SqlParams();
  const terms = [
    `e."workspaceId" = ${q.add(input.workspaceId, "uuid")}`,
    `e.name = ANY(${q.add(input.eventNames, "text[]")})`,
    `e.timestamp >= ${q.add(input.from, "timestamptz")}`,
    `e.timestamp < ${q.add(input.to, "timestamptz")}`,
  ];
  for (const f of input.filters)
    terms.push(compareSql(`e.properties #> ${q.add(f.property.split("."), "text[]")}`, f.operator, f.value, q));
  const rows = await selectRows(
    db,
    Pid,
    `SELECT DISTINCT COALESCE(src."mergedIntoId", src.id) AS pid
       FROM "Event" e JOIN "Profile" src ON src.id = e."profileId" WHERE ${terms.join(" AND ")}`,
    q.values,
  );
  return new Set(rows.map((r) => r.pid));
}

const NameCount = z.object({ name: z.string(), n: z.coerce.number() });

/** The most frequent event names in the window before `before`: the ones that get per-event features. */
export async function topEventNames(
  db: Queryable,
  workspaceId: string,
  before: Date,
  limit: number,
): Promise<string[]> {
  const rows = await selectRows(
    db,
    NameCount,
    `SELECT e.name, count(*) AS n FROM "Event" e
      WHERE e."workspaceId" = $1 AND e.name IS NOT NULL AND e.timestamp >= $2 AND e.timestamp < $3
      GROUP BY e.name ORDER BY n DESC, e.name LIMIT $4`,
    [workspaceId, new Date(before.getTime() - WINDOW_DAYS * DAY_MS), before, limit],
  );
  return rows.map((r) => r.name);
}

const TraitStat = z.object({
  key: z.string(),
  present: z.coerce.number(),
  numeric: z.coerce.number(),
  distinct: z.coerce.number(),
  top: z.array(z.string()).nullable(),
});

/**
 * The traits worth learning from: present for at least `minCoverage` of the people, numeric (90 % of values
 * numbers) or low-cardinality text (at most 20 values; its `topValues` most frequent become one-hot features).
 */
export async function traitCatalog(
  db: Queryable,
  input: { workspaceId: string; before: Date; minCoverage: number; topValues: number },
): Promise<FeatureDef[]> {
  const people = z.object({ n: z.coerce.number() });
  const [total] = await selectRows(
    db,
    people,
    `SELECT count(*) AS n FROM "Profile" WHERE "workspaceId" = $1 AND "mergedIntoId" IS NULL AND "firstSeenAt" < $2`,
    [input.workspaceId, input.before],
  );
  if (!total?.n) return [];
  const rows = await selectRows(
    db,
    TraitStat,
    `WITH kv AS (
       SELECT t.key, t.value FROM "Profile" p, jsonb_each(p.traits) t
        WHERE p."workspaceId" = $1 AND p."mergedIntoId" IS NULL AND p."firstSeenAt" < $2 AND jsonb_typeof(t.value) <> 'null'
     )
     SELECT key, count(*) AS present, count(*) FILTER (WHERE jsonb_typeof(value) = 'number') AS numeric,
            count(DISTINCT value) AS distinct,
            (SELECT array_agg(v ORDER BY c DESC, v) FROM (
               SELECT k2.value #>> '{}' AS v, count(*) AS c FROM kv k2
                WHERE k2.key = kv.key AND jsonb_typeof(k2.value) IN ('string', 'boolean')
                GROUP BY 1 ORDER BY c DESC, v LIMIT $3) top) AS top
       FROM kv GROUP BY key HAVING count(*) >= $4 ORDER BY key`,
    [input.workspaceId, input.before, input.topValues, Math.ceil(total.n * input.minCoverage)],
  );
  const defs: FeatureDef[] = [];
  for (const r of rows) {
    if (r.numeric >= 0.9 * r.present) defs.push({ kind: "trait_number", trait: r.key });
    else if (r.distinct <= 20) for (const value of r.top ?? []) defs.push({ kind: "trait_value", trait: r.key, value });
  }
  return defs;
}
