import type { TestProject } from "vitest/node";
import { createTestDatabase } from "./databases";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    databaseBaseUrl: string;
  }
}

/** One migrated database for the whole integration run; tests isolate themselves by creating their own workspaces. */
export default async function setup(project: TestProject) {
  const baseUrl = process.env.DATABASE_URL ?? "";
  const database = await createTestDatabase(baseUrl || undefined);
  console.log(
    `[integration] database: ${database.kind === "embedded" ? "embedded PGlite (in memory)" : `fresh Postgres database on ${new URL(baseUrl).host}`}`,
  );
  project.provide("databaseUrl", database.url);
  project.provide("databaseBaseUrl", baseUrl);
  return () => database.drop();
}
