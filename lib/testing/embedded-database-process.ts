/**
 * An in-memory PGlite, migrated and served on a free port, in a process of its own: run by
 * ./databases.ts (`node --import tsx lib/testing/embedded-database-process.ts`), one per integration test
 * worker. PGlite runs one query at a time on the thread that owns it; in a process of its own, each
 * worker's database runs on whichever core is free instead of all of them taking turns on vitest's main
 * thread. Prints `{"url":...}` on one line once the database is ready; stops when its stdin closes (the
 * parent ended, or dropped it).
 */
import { startEmbeddedPostgres } from "../db/embedded";
import { migrate } from "../db/migrate";
import { freePort } from "./free-port";

async function main() {
  const embedded = await startEmbeddedPostgres({ port: await freePort() });
  await migrate(embedded.url);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await embedded.stop();
    process.exit(0);
  };
  process.stdin.on("end", stop);
  process.stdin.on("close", stop);
  process.on("SIGTERM", stop);
  process.stdin.resume();
  process.stdout.write(`${JSON.stringify({ url: embedded.url })}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
