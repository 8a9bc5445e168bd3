import pg from "pg";
import { describe, expect, it } from "vitest";
import { migrate, readMigrations } from "./migrate";

describe("the migration runner", () => {
  it("keeps Prisma's _prisma_migrations bookkeeping and is idempotent", async () => {
    const url = process.env.DATABASE_URL!;
    const again = await migrate(url);
    const migrations = await readMigrations();
    expect(again).toEqual({ applied: [], alreadyApplied: migrations.length });

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query(
      `SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    await client.end();
    expect(rows.map((r) => r.migration_name)).toEqual(migrations.map((m) => m.name));
    for (const [i, row] of rows.entries()) {
      expect(row.checksum).toBe(migrations[i].checksum);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });
});
