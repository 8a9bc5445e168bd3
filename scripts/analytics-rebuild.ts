/**
 * npm run analytics:rebuild [-- <workspace slug>]: recomputes the dashboards' rollup tables from the raw
 * tables (enrollments, node visits, conversions, messages and their timelines), every day of every workspace
 * (or of one), printing progress as it goes. The dashboards stay readable meanwhile: each chunk of days is
 * replaced in one transaction. Needed once on a database that has data from before the rollups existed, and
 * after fixing rows by hand; the rollup-analytics cron keeps them current otherwise (lib/analytics/rollups.ts).
 * Uses DATABASE_URL, or the embedded database (of a running Cairn, or opened for it).
 */
import { rebuildAnalytics } from "../lib/analytics/rollups";
import { selectWorkspaceIdBySlug } from "../lib/analytics/store/rollups";
import { closePgPool, pgPool } from "../lib/db/pool";
import { withScriptDatabase } from "../lib/db/script-database";

const slug = process.argv[2];

withScriptDatabase(async () => {
  const started = performance.now();
  let workspaceId: string | undefined;
  if (slug) {
    workspaceId = await selectWorkspaceIdBySlug(pgPool(), slug);
    if (!workspaceId) throw new Error(`No workspace with the slug "${slug}".`);
  }
  const result = await rebuildAnalytics({ workspaceId, onProgress: (message) => console.log(message) });
  console.log(
    `Rebuilt the analytics rollups of ${result.workspaces} workspace${result.workspaces === 1 ? "" : "s"} (${result.days} days) in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
  );
  await closePgPool();
})
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    console.error("Rebuilding the analytics rollups failed:", error instanceof Error ? error.message : error);
    process.exit(1);
  });
