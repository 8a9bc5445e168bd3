/**
 * npm run segments:recompute -- [segmentId]: recomputes one segment (or every dynamic segment of every
 * workspace) for everyone, exactly as the recompute-segment function does, printing the progress. Entries and
 * exits are recorded as usual; a running Cairn announces them to journeys within its next segment check.
 * Uses DATABASE_URL, or the embedded database (of a running Cairn, or opened for it).
 */
import { withScriptDatabase } from "../lib/db/script-database";

const wanted = process.argv[2];

async function main(): Promise<number> {
  const { pgPool } = await import("../lib/db/pool");
  const { recomputeSegment } = await import("../lib/segments/membership");
  const { selectMemberCount, selectRecomputableSegments } = await import("../lib/segments/store/segments");
  const rows = await selectRecomputableSegments(pgPool(), wanted ?? null);
  if (!rows.length) {
    console.error(
      wanted ? `No dynamic, unarchived segment with the id ${wanted}.` : "No dynamic segments to recompute.",
    );
    return wanted ? 1 : 0;
  }
  for (const segment of rows) {
    const started = performance.now();
    const result = await recomputeSegment(segment.id, {
      onProgress: (p) =>
        process.stdout.write(
          `\r"${segment.name}": ${p.processed.toLocaleString("en")} / ${p.total.toLocaleString("en")} profiles, ${p.entered} entered, ${p.exited} left`,
        ),
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const memberCount = (await selectMemberCount(pgPool(), segment.id)) ?? 0;
    process.stdout.write(
      `\r"${segment.name}" (${segment.id}): ${result.total.toLocaleString("en")} profiles in ${seconds} s; ${result.entered} entered, ${result.exited} left; ${memberCount.toLocaleString("en")} members\n`,
    );
  }
  await pgPool().end();
  return 0;
}

withScriptDatabase(main)
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    console.error("Recomputing segments failed:", error);
    process.exit(1);
  });
