import type pg from "pg";
import type { TJourneySettings } from "../journeys/graph";
import { ACTIVE_LEASE_MS } from "./walk-batch";
import type { TriggerInfo } from "./interpreter";

/**
 * Entering a journey, under its re-entry rule:
 *   once   — a person enters at most once, ever;
 *   after  — again only when they are not in it now and last entered at least N days ago;
 *   always — every trigger enters, even while they are in it.
 * The entry key (e.g. "event:<id>") is unique per journey, so the same trigger replayed or delivered
 * twice enrolls once. A transaction-scoped advisory lock per (journey, person) makes concurrent
 * triggers for the same person decide one after the other.
 */

export interface EntryCandidate {
  workspaceId: string;
  journeyId: string;
  journeyVersionId: string;
  triggerNodeId: string;
  triggerNodeType: string;
  profileId: string;
  entryKey: string;
  trigger: TriggerInfo;
  reentry: TJourneySettings["reentry"];
}

export interface EntryResult {
  enrolled: string[];
  /** candidates turned away, with why (for the API's answer) */
  refused: { entryKey: string; reason: string }[];
}

export async function enroll(client: pg.ClientBase, candidates: EntryCandidate[], now: Date): Promise<EntryResult> {
  if (!candidates.length) return { enrolled: [], refused: [] };
  const pairs = [...new Set(candidates.map((c) => `${c.journeyId}:${c.profileId}`))].sort();
  await client.query(
    `SELECT pg_advisory_xact_lock(hashtextextended(k, 7301)) FROM unnest($1::text[]) AS k ORDER BY k`,
    [pairs],
  );

  const { rows: history } = await client.query<{
    journeyId: string;
    profileId: string;
    lastEnteredAt: Date;
    inJourney: boolean;
  }>(
    `SELECT e."journeyId", e."profileId", max(e."enteredAt") AS "lastEnteredAt", bool_or(e.status IN ('ACTIVE', 'WAITING')) AS "inJourney"
       FROM "Enrollment" e JOIN unnest($1::uuid[], $2::uuid[]) AS p(j, pr) ON e."journeyId" = p.j AND e."profileId" = p.pr
      GROUP BY 1, 2`,
    [candidates.map((c) => c.journeyId), candidates.map((c) => c.profileId)],
  );
  const state = new Map(
    history.map((h) => [
      `${h.journeyId}:${h.profileId}`,
      { lastEnteredAt: h.lastEnteredAt as Date | null, inJourney: h.inJourney },
    ]),
  );

  const accepted: EntryCandidate[] = [];
  const refused: EntryResult["refused"] = [];
  const seenKeys = new Set<string>();
  for (const c of candidates) {
    const key = `${c.journeyId}:${c.profileId}`;
    const s = state.get(key);
    const entryKey = `${c.journeyId}:${c.entryKey}`;
    if (seenKeys.has(entryKey)) continue;
    let reason: string | null = null;
    if (s?.lastEnteredAt) {
      if (c.reentry.mode === "once") reason = "already entered this journey once";
      else if (c.reentry.mode === "after" && s.inJourney) reason = "is in this journey now";
      else if (c.reentry.mode === "after" && now.getTime() - s.lastEnteredAt.getTime() < c.reentry.days * 86_400_000)
        reason = `entered less than ${c.reentry.days} days ago`;
    }
    if (reason) {
      refused.push({ entryKey: c.entryKey, reason });
      continue;
    }
    seenKeys.add(entryKey);
    accepted.push(c);
    state.set(key, { lastEnteredAt: now, inJourney: true });
  }
  if (!accepted.length) return { enrolled: [], refused };

  const { rows } = await client.query<{ id: string; journeyId: string; currentNodeId: string }>(
    `INSERT INTO "Enrollment" (id, "workspaceId", "journeyId", "journeyVersionId", "profileId", "entryKey", status, "currentNodeId", "wakeAt", trigger, "enteredAt", "updatedAt")
     SELECT gen_random_uuid(), w, j, v, p, k, 'ACTIVE', n, $1, t::jsonb, $2, $2
       FROM unnest($3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[], $7::text[], $8::text[], $9::text[]) AS u(w, j, v, p, k, n, t)
     ON CONFLICT ("journeyId", "entryKey") DO NOTHING
     RETURNING id, "journeyId", "currentNodeId"`,
    [
      new Date(now.getTime() + ACTIVE_LEASE_MS),
      now,
      accepted.map((c) => c.workspaceId),
      accepted.map((c) => c.journeyId),
      accepted.map((c) => c.journeyVersionId),
      accepted.map((c) => c.profileId),
      accepted.map((c) => c.entryKey),
      accepted.map((c) => c.triggerNodeId),
      accepted.map((c) => JSON.stringify(c.trigger)),
    ],
  );
  if (rows.length) {
    const typeOf = new Map(accepted.map((c) => [c.journeyId, c.triggerNodeType]));
    await client.query(
      `INSERT INTO "EnrollmentStep" ("enrollmentId", "journeyId", "nodeId", "nodeType", visit, "enteredAt")
       SELECT e, j, n, t, 1, $1 FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[]) AS u(e, j, n, t) ON CONFLICT DO NOTHING`,
      [
        now,
        rows.map((r) => r.id),
        rows.map((r) => r.journeyId),
        rows.map((r) => r.currentNodeId),
        rows.map((r) => typeOf.get(r.journeyId)!),
      ],
    );
  }
  return { enrolled: rows.map((r) => r.id), refused };
}
