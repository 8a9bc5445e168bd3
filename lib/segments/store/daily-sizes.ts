import { z } from "zod";
import { type Queryable, selectRows } from "../../db/sql";

/** SegmentDailySize reads: a segment's size at the end of each day it changed, with that day's entries and exits. */

const DailySizeRow = z.object({
  segmentId: z.string(),
  day: z.date(),
  size: z.number(),
  entered: z.number(),
  exited: z.number(),
});

/** The stored days of these segments from `fromDay` (YYYY-MM-DD) on, oldest first. */
export function selectDailySizes(q: Queryable, segmentIds: string[], fromDay: string) {
  return selectRows(
    q,
    DailySizeRow,
    `SELECT "segmentId", day::timestamptz AS day, size, entered, exited FROM "SegmentDailySize" WHERE "segmentId" = ANY($1::uuid[]) AND day >= $2::date ORDER BY day`,
    [segmentIds, fromDay],
  );
}

const SizeRow = z.object({ segmentId: z.string(), size: z.number() });

/** Each segment's size at the end of its last stored day before `fromDay`. */
export function selectSizesBefore(q: Queryable, segmentIds: string[], fromDay: string) {
  return selectRows(
    q,
    SizeRow,
    `SELECT DISTINCT ON ("segmentId") "segmentId", size FROM "SegmentDailySize" WHERE "segmentId" = ANY($1::uuid[]) AND day < $2::date ORDER BY "segmentId", day DESC`,
    [segmentIds, fromDay],
  );
}
