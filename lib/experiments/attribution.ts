import type { TJourneyGraph } from "../journeys/graph";

/**
 * Which events convert a person who was assigned at an A/B split, and until when: shared by the engine
 * (lib/engine/process-events.ts, which records Conversion rows) and the analysis (./analysis.ts, which
 * counts them), so both use one definition.
 *
 * - The journey's goal (settings) has an attribution window that counts from ENTRY: that is what the
 *   journey's own conversion figures mean ("converted within 72 h of entering").
 * - An experiment measures from ASSIGNMENT: a person who waited two days before reaching the split has
 *   the whole window after being assigned, in every arm and in the holdout alike. So for an enrollment
 *   with split assignments, the goal event also converts within the window from each assignment, whether
 *   the person is still in the journey or left it.
 * - In that experiment window, a goal step's event converts too, also after the person left: otherwise
 *   people still in the journey (where a goal step converts them) and people whose path ended early (an
 *   arm, or the control path the holdout walks, may be shorter than the window) would be measured on
 *   different events, and the comparison would be biased.
 * - The window's length is the goal's `attributionHours`, or 72 hours when the journey converts only
 *   through goal steps.
 */

export const DEFAULT_ATTRIBUTION_HOURS = 72;
const HOUR_MS = 3_600_000;

export function attributionHoursOf(graph: TJourneyGraph): number {
  return graph.settings.goal?.attributionHours ?? DEFAULT_ATTRIBUTION_HOURS;
}

/** The events that convert someone in an experiment of this journey: the goal's and every goal step's. */
export function experimentGoalEvents(graph: TJourneyGraph): string[] {
  const names = new Set<string>();
  if (graph.settings.goal) names.add(graph.settings.goal.eventName);
  for (const node of graph.nodes) {
    const eventName = node.type === "goal" ? (node.config as { eventName?: unknown }).eventName : undefined;
    if (typeof eventName === "string" && eventName) names.add(eventName);
  }
  return [...names];
}

/** Is `at` within [from, from + hours]? */
export function withinWindow(at: Date, from: Date, hours: number): boolean {
  const elapsed = at.getTime() - from.getTime();
  return elapsed >= 0 && elapsed <= hours * HOUR_MS;
}

/** Does an event convert within the journey goal's window from entry? */
export function convertsFromEntry(
  graph: TJourneyGraph,
  event: { name: string; timestamp: Date },
  enteredAt: Date,
): boolean {
  const goal = graph.settings.goal;
  return (
    Boolean(goal) && goal!.eventName === event.name && withinWindow(event.timestamp, enteredAt, goal!.attributionHours)
  );
}

/** Does an event convert within the experiment window from any of the enrollment's split assignments? */
export function convertsFromAssignment(
  graph: TJourneyGraph,
  event: { name: string; timestamp: Date },
  assignedAt: readonly Date[],
): boolean {
  if (!assignedAt.length || !experimentGoalEvents(graph).includes(event.name)) return false;
  const hours = attributionHoursOf(graph);
  return assignedAt.some((at) => withinWindow(event.timestamp, at, hours));
}
