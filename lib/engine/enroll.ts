import type pg from "pg";
import type { TJourneySettings } from "../journeys/graph";
import { insertEnrollments, insertEntrySteps, lockEntrants, selectEntryHistory } from "./store/enrollments";
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
  await lockEntrants(client, pairs);

  const history = await selectEntryHistory(client, candidates);
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

  const rows = await insertEnrollments(
    client,
    new Date(now.getTime() + ACTIVE_LEASE_MS),
    now,
    accepted.map((c) => ({
      workspaceId: c.workspaceId,
      journeyId: c.journeyId,
      journeyVersionId: c.journeyVersionId,
      profileId: c.profileId,
      entryKey: c.entryKey,
      currentNodeId: c.triggerNodeId,
      trigger: c.trigger,
    })),
  );
  if (rows.length) {
    const typeOf = new Map(accepted.map((c) => [c.journeyId, c.triggerNodeType]));
    await insertEntrySteps(
      client,
      now,
      rows.map((r) => ({
        enrollmentId: r.id,
        journeyId: r.journeyId,
        nodeId: r.currentNodeId,
        nodeType: typeOf.get(r.journeyId)!,
      })),
    );
  }
  return { enrolled: rows.map((r) => r.id), refused };
}
