import { isValidTimeZone, localParts } from "../engine/time";
import type { SEND_TIME_WINDOWS } from "../journeys/graph";
import { decayFactor, priorStrength } from "./engagement-model";
import { describeHourOfWeek, HOURS_PER_WEEK, hourOfWeekAt } from "./hour-of-week";

/**
 * The best time to reach a person within a window (#21), as a pure function of their engagement history, the
 * workspace's pattern and the clock.
 *
 * Empirical Bayes: the person's share of engagement at hour h of the week is estimated as
 *
 *     p(h) = (w(h) + α · s(h)) / (W + α)
 *
 * w(h) their own decayed weights (W the total), s(h) the workspace's share at h (its pattern, every person's
 * engagement in their own zone), α the prior's strength (engagement-model.ts: the workspace's busiest hour counts
 * as a few engagements). Thin history is mostly prior, so it follows the workspace; a habit seen often enough
 * outweighs it. The choice is the hour of the week with the highest p(h) whose start falls in the window, walked
 * as the person's local hours from `now`: on the night the clocks spring forward the skipped hour does not exist,
 * in autumn the repeated hour is considered twice (the earlier wins a tie), and the hour `now` is in counts too (at
 * `now` itself, not its past start).
 */

export type SendTimeWindow = (typeof SEND_TIME_WINDOWS)[number];
export const WINDOW_MS: Record<SendTimeWindow, number> = { "24h": 86_400_000, "7d": 7 * 86_400_000 };
const WINDOW_WORDS: Record<SendTimeWindow, string> = { "24h": "the next 24 hours", "7d": "the next 7 days" };

/** A person's ProfileSendTime row: weights by hour of week, decayed as of `asOf`. */
export interface OwnHistory {
  weights: Record<string, number>;
  total: number;
  engagements: number;
  asOf: Date;
}

/** The workspace's WorkspaceSendTime row: 168 weights, Monday 00:00 first. */
export interface WorkspacePattern {
  weights: number[];
  total: number;
  people: number;
}

export interface BestTimeInput {
  now: Date;
  within: SendTimeWindow;
  timeZone: string;
  /** where the zone came from: the profile's own, or the workspace's when the profile has none */
  zoneSource: "profile" | "workspace";
  own: OwnHistory | null;
  workspace: WorkspacePattern | null;
  /** α; the workspace-derived strength unless given (bench:send-time compares values) */
  prior?: number;
}

export interface BestTime {
  at: Date;
  /** the hour of the week chosen, in the person's zone; null when nothing was known and it goes at once */
  hourOfWeek: number | null;
  /** whose evidence decided the hour: the person's own engagement, the workspace's pattern, or none at all */
  source: "own" | "workspace" | "none";
  /** the person's own engagements behind the estimate (raw count) */
  engagements: number;
  timeZone: string;
  /** the estimated share of the person's engagement in the chosen hour (p(h) above), 0 when source is none */
  share: number;
  /** in plain words, for the journey's trace */
  reason: string;
}

/** The zone's offset from UTC at an instant (ms), from its local wall time. */
function offsetAt(instant: Date, timeZone: string): number {
  const p = localParts(instant, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The starts of the person's local hours in [now, now + window), each with its hour of the week: `now` itself first
 * (the hour it is in). When the zone's offset is the same at both ends of the window (no clock change inside: a zone
 * changes at most twice a year), the hours follow one another by arithmetic; otherwise each is read from the zone's
 * wall time, so a skipped hour is missing and a repeated one appears twice. Intl costs microseconds a call, and the
 * engine chooses for a whole walk batch at once.
 */
function localHourStarts(now: Date, windowMs: number, timeZone: string): { at: Date; hour: number }[] {
  const end = now.getTime() + windowMs;
  const p = localParts(now, timeZone);
  const first = hourOfWeekAt(now, timeZone);
  const starts = [{ at: now, hour: first }];
  let t = now.getTime() - (p.minute * 60_000 + p.second * 1000 + (now.getTime() % 1000)) + 3_600_000;
  if (offsetAt(now, timeZone) === offsetAt(new Date(end), timeZone)) {
    for (let k = 1; t < end; t += 3_600_000, k++) starts.push({ at: new Date(t), hour: (first + k) % HOURS_PER_WEEK });
    return starts;
  }
  for (; t < end; t += 3_600_000) {
    // Re-aligned on the local hour after an offset change of a fraction of an hour (Lord Howe's 30 minutes).
    const minute = localParts(new Date(t), timeZone).minute;
    if (minute !== 0) t -= minute * 60_000;
    if (t > starts[starts.length - 1].at.getTime() && t < end)
      starts.push({ at: new Date(t), hour: hourOfWeekAt(new Date(t), timeZone) });
  }
  return starts;
}

function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function chooseBestTime(input: BestTimeInput): BestTime {
  const { now, within, timeZone, own, workspace } = input;
  const zoneWords = `${timeZone}${input.zoneSource === "workspace" ? ", the workspace's zone: the person has none" : ""}`;
  const engagements = own?.engagements ?? 0;
  if (!workspace || workspace.total <= 0 || workspace.weights.length !== HOURS_PER_WEEK) {
    return {
      at: now,
      hourOfWeek: null,
      source: "none",
      engagements,
      timeZone,
      share: 0,
      reason: "No engagement history in this workspace yet, so there is no best time to choose: sent at once",
    };
  }
  const alpha = input.prior ?? priorStrength(workspace.weights);
  const decay = own ? decayFactor(own.asOf, now) : 0;
  const ownAt = (h: number) => (own ? (own.weights[String(h)] ?? 0) * decay : 0);
  const ownTotal = own ? own.total * decay : 0;
  const priorAt = (h: number) => (alpha * workspace.weights[h]) / workspace.total;

  let best: { at: Date; hour: number; score: number } | null = null;
  for (const { at, hour } of localHourStarts(now, WINDOW_MS[within], timeZone)) {
    const score = ownAt(hour) + priorAt(hour);
    if (!best || score > best.score) best = { at, hour, score };
  }
  // The window always holds `now`, so there is a best.
  const chosen = best!;
  const source = ownAt(chosen.hour) > priorAt(chosen.hour) ? "own" : "workspace";
  const share = chosen.score / (ownTotal + alpha);
  const when = `${describeHourOfWeek(chosen.hour)} (${zoneWords})`;
  const at = chosen.at.getTime() === now.getTime() ? "now, within that hour" : chosen.at.toISOString();
  const reason =
    source === "own"
      ? `Their own history: ${engagements} engagement${engagements === 1 ? "" : "s"}, most likely ${when} ` +
        `(${Math.round(share * 100)} % of their engagement) in ${WINDOW_WORDS[within]}: sends ${at}`
      : `${engagements ? `Only ${engagements} engagement${engagements === 1 ? "" : "s"} of their own, too few to outweigh` : "No engagement of their own yet, so"} ` +
        `the workspace's pattern (${workspace.people} people): ${when} is the best hour in ${WINDOW_WORDS[within]}: sends ${at}`;
  return { at: chosen.at, hourOfWeek: chosen.hour, source, engagements, timeZone, share: round(share, 4), reason };
}

/** What the engine looks up for a walk's person before a best-time step (./load-send-time-facts.ts). */
export interface SendTimeFacts {
  own: OwnHistory | null;
  /** null before the workspace's first fold */
  workspace: WorkspacePattern | null;
  /** the zone of people without one of their own */
  workspaceTimeZone: string;
}

/** chooseBestTime in the person's zone, or the workspace's when theirs is missing or unusable. */
export function bestTimeFor(
  personTimeZone: string | null,
  facts: SendTimeFacts | undefined,
  now: Date,
  within: SendTimeWindow,
): BestTime {
  const own = isValidTimeZone(personTimeZone);
  const workspaceZone = facts && isValidTimeZone(facts.workspaceTimeZone) ? facts.workspaceTimeZone : "UTC";
  return chooseBestTime({
    now,
    within,
    timeZone: own ? personTimeZone! : workspaceZone,
    zoneSource: own ? "profile" : "workspace",
    own: facts?.own ?? null,
    workspace: facts?.workspace ?? null,
  });
}
