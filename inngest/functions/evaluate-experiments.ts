import { evaluateAllExperiments } from "@/lib/experiments/evaluate-experiment";
import { inngest } from "@/lib/jobs";

/**
 * Every 15 minutes: evaluates every A/B split of every live journey, stores the results (pages read those,
 * never raw events) and applies the auto-winner or bandit (lib/experiments). `npm run experiments:evaluate`
 * runs the same evaluation once.
 */
export const EVALUATE_EXPERIMENTS_CRON = process.env.CAIRN_EVALUATE_EXPERIMENTS_CRON || "*/15 * * * *";

export const evaluateExperiments = inngest.createFunction(
  {
    id: "evaluate-experiments",
    name: "Evaluate experiments",
    retries: 2,
    concurrency: [{ limit: 1 }],
    triggers: [{ cron: EVALUATE_EXPERIMENTS_CRON }],
  },
  async ({ step }) => step.run("evaluate", async () => evaluateAllExperiments(new Date())),
);
