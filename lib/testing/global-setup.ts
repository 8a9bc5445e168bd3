import type { TestProject } from "vitest/node";
import { createTestDatabases } from "./databases";

declare module "vitest" {
  export interface ProvidedContext {
    /** one migrated database per test worker: setup.ts picks the one of its VITEST_POOL_ID */
    databaseUrls: string[];
    databaseBaseUrl: string;
  }
}

/**
 * One migrated database per integration worker (lib/testing/databases.ts, createTestDatabases says why);
 * tests isolate themselves within it by creating their own workspaces.
 */
export default async function setup(project: TestProject) {
  const baseUrl = process.env.DATABASE_URL ?? "";
  const workers = project.config.maxWorkers;
  const databases = await createTestDatabases(baseUrl || undefined, workers);
  console.log(
    `[integration] ${workers} database(s), one per worker: ${databases[0].kind === "embedded" ? "embedded PGlite (in memory, a process each)" : `fresh Postgres databases on ${new URL(baseUrl).host}`}`,
  );
  project.provide(
    "databaseUrls",
    databases.map((d) => d.url),
  );
  project.provide("databaseBaseUrl", baseUrl);
  return async () => {
    await Promise.all(databases.map((d) => d.drop()));
  };
}
