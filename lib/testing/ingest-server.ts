/**
 * A child process that serves the ingestion routes over HTTP against DATABASE_URL, for the crash test
 * (lib/ingest/crash.int.test.ts): the test kills it with SIGKILL in the middle of a burst.
 * Prints "listening <port>" when ready.
 */
import { POST as batchRoute } from "../../app/api/v1/batch/route";
import { serveRoutes } from "./serve-routes";

serveRoutes({ "/api/v1/batch": batchRoute }).then(({ url }) => {
  console.log(`listening ${new URL(url).port}`);
});
