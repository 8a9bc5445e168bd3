/**
 * npm run experiments:evaluate: evaluates every A/B split of every live journey once, exactly as the
 * evaluate-experiments cron does every 15 minutes (stores the results, applies auto-winners and bandits),
 * and prints what it did. Uses DATABASE_URL, or the embedded database (of a running Cairn, or opened for it).
 */
import { withScriptDatabase } from "../lib/db/script-database";
import { evaluateAllExperiments } from "../lib/experiments/evaluate-experiment";

withScriptDatabase(() => evaluateAllExperiments(new Date()))
  .then((result) => {
    console.log(
      `Evaluated ${result.evaluated} experiment${result.evaluated === 1 ? "" : "s"} in ${result.journeys} live journey${result.journeys === 1 ? "" : "s"}: ` +
        `${result.stored} result${result.stored === 1 ? "" : "s"} stored, ${result.weightChanges} weight change${result.weightChanges === 1 ? "" : "s"}.`,
    );
    for (const failure of result.failed)
      console.error(`  failed: journey ${failure.journeyId}, split ${failure.nodeId}: ${failure.error}`);
    process.exit(result.failed.length ? 1 : 0);
  })
  .catch((error: unknown) => {
    console.error("Evaluating experiments failed:", error);
    process.exit(1);
  });
