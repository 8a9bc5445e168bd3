import { describe, expect, it } from "vitest";
import { z } from "zod";
import { pgPool } from "./pool";
import { execute, RowShapeError, selectRow, selectRows } from "./sql";

describe("the typed SQL helpers", () => {
  it("returns rows checked and shaped by their schema", async () => {
    const rows = await selectRows(
      pgPool(),
      z.object({ n: z.number(), label: z.string() }),
      `SELECT g::int AS n, 'row ' || g AS label FROM generate_series(1, 3) g ORDER BY g`,
    );
    expect(rows).toEqual([
      { n: 1, label: "row 1" },
      { n: 2, label: "row 2" },
      { n: 3, label: "row 3" },
    ]);
  });

  it("fails loudly, naming the statement and the field, when a row does not match", async () => {
    const read = selectRows(pgPool(), z.object({ n: z.number() }), `SELECT 'not a number' AS n`);
    await expect(read).rejects.toBeInstanceOf(RowShapeError);
    await expect(read).rejects.toThrow(/Row 0 of "SELECT 'not a number' AS n" does not match its schema: n:/);
  });

  it("reads one row or none, and refuses a statement that returns several", async () => {
    const schema = z.object({ n: z.number() });
    expect(await selectRow(pgPool(), schema, `SELECT 7::int AS n`)).toEqual({ n: 7 });
    expect(await selectRow(pgPool(), schema, `SELECT 7::int AS n WHERE false`)).toBeUndefined();
    await expect(selectRow(pgPool(), schema, `SELECT g::int AS n FROM generate_series(1, 2) g`)).rejects.toThrow(
      /returned 2 rows where one was expected/,
    );
  });

  it("counts the rows a write touched", async () => {
    const client = await pgPool().connect();
    try {
      await client.query(`CREATE TEMP TABLE sql_helper_probe (n int)`);
      expect(await execute(client, `INSERT INTO sql_helper_probe SELECT generate_series(1, 4)`)).toBe(4);
      expect(await execute(client, `DELETE FROM sql_helper_probe WHERE n > $1`, [2])).toBe(2);
    } finally {
      await client.query(`DROP TABLE IF EXISTS sql_helper_probe`).catch(() => {});
      client.release();
    }
  });
});

describe("a Prisma client or transaction as a Queryable", () => {
  it("reads checked rows and counts written rows inside a Prisma transaction", async () => {
    const { db } = await import("./client");
    const { prismaQueryable } = await import("./sql");
    const result = await db().$transaction(async (tx) => {
      const q = prismaQueryable(tx);
      await execute(q, `CREATE TEMP TABLE prisma_probe (n int) ON COMMIT DROP`);
      const inserted = await execute(q, `INSERT INTO prisma_probe SELECT generate_series(1, $1::int)`, [3]);
      const rows = await selectRows(q, z.object({ n: z.number() }), `SELECT n FROM prisma_probe ORDER BY n`);
      return { inserted, rows };
    });
    expect(result).toEqual({ inserted: 3, rows: [{ n: 1 }, { n: 2 }, { n: 3 }] });
  });
});
