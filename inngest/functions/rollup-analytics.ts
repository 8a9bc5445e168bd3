import { rollupAnalytics } from "@/lib/analytics/rollups";
import type { parseCron } from "../executor/cron";
import { inngest } from "@/lib/jobs";
import { backgroundCron } from "./background-cron";

/**
 * How often the rollups run: every minute on Inngest, every 30 s embedded. CAIRN_ANALYTICS_ROLLUP_CRON overrides
 * both, but a schedule that would run more often than every 30 s is replaced by the 30-second one: each run
 * recomputes two days of every workspace.
 */
export function analyticsRollupCron(env: Record<string, string | undefined> = process.env): string {
  return backgroundCron(env, {
    variable: "CAIRN_ANALYTICS_ROLLUP_CRON",
    embedded: "*/30 * * * * *",
    accepts: atMostEvery30Seconds,
    requirement: "runs at most every 30 s",
  });
}

function atMostEvery30Seconds(schedule: ReturnType<typeof parseCron>): boolean {
  if (!schedule.hasSeconds) return true;
  const seconds = [...schedule.seconds].sort((a, b) => a - b);
  return seconds.every((s, i) => (i + 1 < seconds.length ? seconds[i + 1] - s : 60 - s + seconds[0]) >= 30);
}

export const ROLLUP_ANALYTICS_CRON = analyticsRollupCron();

/**
 * Keeps the dashboards' rollup tables current (lib/analytics/rollups.ts): today's and yesterday's partitions
 * of every workspace, late conversions, one older day of the catch-up sweep. `npm run analytics:rebuild`
 * recomputes everything instead.
 */
export const rollupAnalyticsFn = inngest.createFunction(
  {
    id: "rollup-analytics",
    name: "Roll up analytics",
    retries: 2,
    concurrency: [{ limit: 1 }],
    triggers: [{ cron: ROLLUP_ANALYTICS_CRON }],
  },
  async ({ step }) => step.run("rollup", () => rollupAnalytics(new Date())),
);
