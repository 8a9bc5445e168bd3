import { afterAll, beforeAll } from "vitest";
import { switchDatabase } from "../db/client";
import { createTestDatabase, type TestDatabase } from "./databases";

/** For a test file that needs an empty database (first-run setup): its own, for the whole file. */
export function setUpFreshDatabase(): void {
  let database: TestDatabase;
  let sharedUrl: string;
  beforeAll(async () => {
    sharedUrl = process.env.DATABASE_URL!;
    database = await createTestDatabase(process.env.CAIRN_TEST_BASE_DATABASE_URL || undefined);
    await switchDatabase(database.url);
  }, 120_000);
  afterAll(async () => {
    await switchDatabase(sharedUrl);
    await database.drop();
  });
}
