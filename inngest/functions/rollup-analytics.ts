import { rollupAnalytics } from "@/lib/analytics/rollups";
import { parseCron } from "../executor/cron";
import { inngest } from "../client";

const EMBEDDED_DEFAULT = "*/30 * * * * *";

/**
 * How often the rollups run: every minute on Inngest (its finest cron); every 30 s on the embedded executor,
 * which reads the six-field form (with seconds) and is recognised by the six-field CAIRN_WAKE_DUE_CRON that
 * scripts/cairn.ts gives it. CAIRN_ANALYTICS_ROLLUP_CRON overrides both, but a schedule that would run more
 * often than every 30 s is replaced by the 30-second one: each run recomputes two days of every workspace.
 */
export function analyticsRollupCron(env: Record<string, string | undefined> = process.env): string {
  const override = env.CAIRN_ANALYTICS_ROLLUP_CRON?.trim();
  if (override) {
    if (atMostEvery30Seconds(override)) return override;
    console.warn(`[cairn] CAIRN_ANALYTICS_ROLLUP_CRON "${override}" is not a cron that runs at most every 30 s; using "${EMBEDDED_DEFAULT}".`);
    return EMBEDDED_DEFAULT;
  }
  return env.CAIRN_WAKE_DUE_CRON?.trim().split(/\s+/).length === 6 ? EMBEDDED_DEFAULT : "* * * * *";
}

function atMostEvery30Seconds(cron: string): boolean {
  try {
    const schedule = parseCron(cron);
    if (!schedule.hasSeconds) return true;
    const seconds = [...schedule.seconds].sort((a, b) => a - b);
    return seconds.every((s, i) => (i + 1 < seconds.length ? seconds[i + 1] - s : 60 - s + seconds[0]) >= 30);
  } catch {
    return false;
  }
}

export const ROLLUP_ANALYTICS_CRON = analyticsRollupCron();

/**
 * Keeps the dashboards' rollup tables current (lib/analytics/rollups.ts): today's and yesterday's partitions
 * of every workspace, late conversions, one older day of the catch-up sweep. `npm run analytics:rebuild`
 * recomputes everything instead.
 */
export const rollupAnalyticsFn = inngest.createFunction(
  { id: "rollup-analytics", name: "Roll up analytics", retries: 2, concurrency: [{ limit: 1 }], triggers: [{ cron: ROLLUP_ANALYTICS_CRON }] },
  async ({ step }) => step.run("rollup", () => rollupAnalytics(new Date())),
);
