import { nextOccurrence, toWallTime } from "@/lib/engine/schedule";
import { NODE_CONFIGS } from "@/lib/journeys/graph";

/**
 * The schedule trigger's next run, for the inspector: the marketer sees what the times they typed mean, and that
 * a time already past never runs (the engine counts occurrences from when a schedule is published).
 */
export function scheduleHint(config: unknown, now: Date = new Date()): string | undefined {
  // the times alone: the hint helps before a segment is chosen
  const parsed = NODE_CONFIGS["trigger.schedule"].pick({ schedule: true, timezone: true }).safeParse(config);
  if (!parsed.success) return undefined;
  const next = nextOccurrence(parsed.data, now);
  if (!next) return "This time has passed: a schedule runs only at times after it is published.";
  return `Next run: ${toWallTime(next.toISOString(), parsed.data.timezone).replace("T", " ")} ${parsed.data.timezone}.`;
}
