import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readMigrations } from "./migrate";

describe("migrations", () => {
  it("exist for every change to prisma/schema.prisma (run `npm run db:migration -- <name>` when this fails)", () => {
    const schema = readFileSync(path.join("prisma", "schema.prisma"), "utf8");
    const migrated = readFileSync(path.join("prisma", "schema.migrated.prisma"), "utf8");
    expect(migrated).toBe(schema);
  });

  it("are ordered by name and checksummed like Prisma does", async () => {
    const migrations = await readMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    expect(migrations.map((m) => m.name)).toEqual([...migrations.map((m) => m.name)].sort());
    for (const m of migrations) expect(m.checksum).toMatch(/^[0-9a-f]{64}$/);
  });
});
