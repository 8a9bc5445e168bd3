import { pgPool } from "../db/pool";
import type { TSegmentDefinition } from "./definition";
import type { SegmentRow } from "./find-segment";
import type { SegmentKind } from "./segment-schemas";
import { selectDailySizes, selectSizesBefore } from "./store/daily-sizes";

/**
 * A segment as the list and its page show it: the stored row with its recompute state, and its size over time
 * (SegmentDailySize stores only the days something changed; the days between are filled forward).
 */

export interface RecomputeState {
  status: "idle" | "queued" | "running" | "done" | "failed";
  processed: number;
  total: number;
  /** the definition version it computes (or computed) */
  version: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

export interface SegmentSummary {
  id: string;
  name: string;
  description: string;
  kind: SegmentKind;
  memberCount: number;
  /** bumped by every definition change */
  version: number;
  archived: boolean;
  createdAt: string;
  updatedAt: string;
  recompute: RecomputeState;
  /** the size at the end of each of the last 30 days (since the segment was created), oldest first */
  trend: { day: string; size: number }[];
}

export interface SegmentDay {
  day: string;
  size: number;
  entered: number;
  exited: number;
}

export interface SegmentDetail extends SegmentSummary {
  /** null for manual segments */
  definition: TSegmentDefinition | null;
  /** per day over the requested window (default 30 days), oldest first */
  days: SegmentDay[];
  usedBy: { segments: { id: string; name: string }[]; journeys: { id: string; name: string; status: string }[] };
  createdBy: string;
  updatedBy: string;
}

export const DAY_MS = 86_400_000;
/** The days a summary's trend covers. */
export const TREND_DAYS = 30;

export const isoDay = (d: Date) => d.toISOString().slice(0, 10);

type StoredDay = { day: Date; size: number; entered: number; exited: number };

function recomputeState(s: SegmentRow): RecomputeState {
  return {
    status: s.recomputeStatus as RecomputeState["status"],
    processed: s.recomputeProcessed,
    total: s.recomputeTotal,
    version: s.recomputeVersion,
    startedAt: s.recomputeStartedAt?.toISOString() ?? null,
    finishedAt: s.recomputeFinishedAt?.toISOString() ?? null,
    error: s.recomputeError,
  };
}

/** Daily rows (only days with changes are stored) filled forward over [from, to], days before `since` left out. */
export function fillDays(rows: StoredDay[], before: number, from: Date, to: Date, since: Date): SegmentDay[] {
  const byDay = new Map(rows.map((r) => [isoDay(r.day), r]));
  const days: SegmentDay[] = [];
  let size = before;
  const start = Math.max(Date.parse(isoDay(from)), Date.parse(isoDay(since)));
  for (let t = start; t <= Date.parse(isoDay(to)); t += DAY_MS) {
    const day = isoDay(new Date(t));
    const row = byDay.get(day);
    if (row) size = row.size;
    days.push({ day, size, entered: row?.entered ?? 0, exited: row?.exited ?? 0 });
  }
  return days;
}

/** The stored days of these segments from `from` on, and each one's size before them. */
export async function daysOf(
  segmentIds: string[],
  from: Date,
): Promise<{ rows: Map<string, StoredDay[]>; before: Map<string, number> }> {
  const rows = await selectDailySizes(pgPool(), segmentIds, isoDay(from));
  const before = await selectSizesBefore(pgPool(), segmentIds, isoDay(from));
  const grouped = new Map<string, StoredDay[]>();
  for (const r of rows) grouped.set(r.segmentId, [...(grouped.get(r.segmentId) ?? []), r]);
  return { rows: grouped, before: new Map(before.map((b) => [b.segmentId, b.size])) };
}

export function summary(s: SegmentRow, trend: { day: string; size: number }[]): SegmentSummary {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    kind: s.kind as SegmentKind,
    memberCount: s.memberCount,
    version: s.version,
    archived: s.archivedAt !== null,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    recompute: recomputeState(s),
    trend,
  };
}
