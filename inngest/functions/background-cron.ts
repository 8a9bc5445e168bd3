import { parseCron } from "../executor/cron";

type Env = Record<string, string | undefined>;

/**
 * The schedule of a background cron function: every minute on Inngest (its finest cron); `embedded` (six fields,
 * with seconds) on the embedded executor, recognised by the six-field CAIRN_WAKE_DUE_CRON that scripts/cairn.ts
 * gives it. The environment variable `variable` overrides both; an override that does not parse, or that
 * `accepts` refuses (`requirement` says why in the warning), falls back to `embedded`.
 */
export function backgroundCron(
  env: Env,
  options: {
    variable: string;
    embedded: string;
    accepts?: (schedule: ReturnType<typeof parseCron>) => boolean;
    requirement?: string;
  },
): string {
  const override = env[options.variable]?.trim();
  if (override) {
    if (parsesAndAccepted(override, options.accepts)) return override;
    console.warn(
      `[cairn] ${options.variable} "${override}" is not a cron${options.requirement ? ` that ${options.requirement}` : ""}; using "${options.embedded}".`,
    );
    return options.embedded;
  }
  return env.CAIRN_WAKE_DUE_CRON?.trim().split(/\s+/).length === 6 ? options.embedded : "* * * * *";
}

function parsesAndAccepted(
  cron: string,
  accepts: ((schedule: ReturnType<typeof parseCron>) => boolean) | undefined,
): boolean {
  try {
    const schedule = parseCron(cron);
    return accepts ? accepts(schedule) : true;
  } catch {
    return false;
  }
}
