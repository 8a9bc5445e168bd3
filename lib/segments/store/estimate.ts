import { z } from "zod";
import { type Queryable, selectRows } from "../../db/sql";
import type { CompiledPredicate } from "../evaluate";

/** The builder's estimate: how many of the workspace's surviving profiles a compiled definition matches. */

const MatchCountRow = z.object({
  matched: z.number(),
  seen: z.number(),
  ids: z.array(z.string()).nullable(),
});

/**
 * Counts the matches among all surviving profiles (`samplePercent` null) or a repeatable Bernoulli sample of them,
 * with up to 10 matching ids, most recently seen first. Runs under a statement timeout of `timeoutMs`, in a
 * transaction of its own on `client` (a timeout aborts it): null when it timed out.
 */
export async function countMatchesWithin(
  client: Queryable,
  compiled: CompiledPredicate,
  samplePercent: number | null,
  timeoutMs: number,
): Promise<z.output<typeof MatchCountRow> | null> {
  const sample = samplePercent === null ? "" : `TABLESAMPLE BERNOULLI (${samplePercent.toFixed(4)}) REPEATABLE (7)`;
  const sql = `
      SELECT count(*) FILTER (WHERE x.m)::int AS matched, count(*)::int AS seen,
             (array_agg(x.id ORDER BY x."lastSeenAt" DESC) FILTER (WHERE x.m))[1:10] AS ids
        FROM (SELECT p.id, p."lastSeenAt", (${compiled.predicate}) AS m FROM "Profile" p ${sample} ${compiled.joins}
               WHERE p."workspaceId" = ${compiled.workspaceParam} AND p."mergedIntoId" IS NULL) x`;
  // Transaction control goes as a simple query without parameters (never prepared), as withTransaction sends it.
  await client.query("BEGIN");
  try {
    await client.query(`SET LOCAL statement_timeout = ${Math.round(timeoutMs)}`);
    const rows = await selectRows(client, MatchCountRow, sql, compiled.params.values);
    await client.query("COMMIT");
    return rows[0];
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    if (isTimeout(error)) return null;
    throw error;
  }
}

function isTimeout(error: unknown): boolean {
  return (error as { code?: string }).code === "57014";
}
