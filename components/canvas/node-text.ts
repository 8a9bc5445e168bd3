import { exitsOf, type NodeType } from "@/lib/journeys/graph";
import type { JourneyProblem } from "@/lib/journeys/validate";
import { isDraftOf, NODE_MODULES } from "./nodes";

/** The words the canvas shows about a node: its summary, its exits' labels, and its problems in plain words. */

/** One line about the configuration, shown on the node; `names` has template and segment names by id. */
export function summarize<T extends NodeType>(
  type: T,
  config: Record<string, unknown>,
  names?: ReadonlyMap<string, string>,
): string {
  return isDraftOf(type, config) ? NODE_MODULES[type].summarize(config, names) : "";
}

/** The exits of a node with the words a marketer reads on its handles. */
export function exitLabels<T extends NodeType>(
  type: T,
  config: Record<string, unknown>,
): { id: string; label: string }[] {
  const named: Record<string, string> = {
    yes: "Yes",
    no: "No",
    arrived: "Arrived",
    timed_out: "Timed out",
    else: "Else",
    next: "",
  };
  const fromConfig = NODE_MODULES[type].exitLabels;
  const labelled = fromConfig && isDraftOf(type, config) ? fromConfig(config) : undefined;
  return exitsOf({ type, config }).map((id) => ({ id, label: labelled?.get(id) ?? named[id] ?? id }));
}

/** Readable field names for problem paths ("config.duration.amount" → "Duration amount"). */
export function fieldName(path: string): string {
  const words: Record<string, string> = {
    eventName: "Event name",
    templateId: "Template",
    segmentId: "Segment",
    filters: "Filter",
    duration: "Duration",
    timeout: "Timeout",
    amount: "amount",
    unit: "unit",
    rules: "Rules",
    branches: "Paths",
    arms: "Arms",
    holdout: "Holdout",
    weight: "weight",
    label: "label",
    url: "URL",
    method: "Method",
    trait: "Trait",
    time: "Time",
    fallbackTimezone: "Fallback time zone",
    timezone: "Time zone",
    schedule: "Schedule",
    at: "date",
    startAt: "start",
    every: "every",
    operator: "operator",
    value: "value",
    property: "property",
    match: "Match",
    triggerProperty: "trigger property",
    set: "Traits",
    unset: "Traits",
    offset: "Offset",
  };
  // "nodes" and "edges" are the journey's own lists: a journey-level problem says what it is about itself
  const parts = path.split(".").filter((p) => p !== "config" && p !== "" && p !== "nodes" && p !== "edges");
  if (parts[0] === "exits") return `${parts[1] === "next" ? "Next step" : `“${parts[1]}” exit`}`;
  const out: string[] = [];
  parts.forEach((p, i) => {
    // a group nested in a group of the same name (a condition's rules.rules) reads once
    if (i > 0 && p === parts[i - 1]) return;
    // a list item: "rules.0" → "Rule 1"
    if (/^\d+$/.test(p)) out.push(`${out.length ? out.pop()!.replace(/s$/, "") : "Item"} ${Number(p) + 1}`);
    else out.push(words[p] ?? p);
  });
  const text = out.join(" ");
  return text ? text[0].toUpperCase() + text.slice(1) : "";
}

/** What a problem means to a marketer, in one line. */
export function describeProblem(problem: JourneyProblem, node: { data: { type: NodeType } } | undefined): string {
  const message = problem.message[0].toUpperCase() + problem.message.slice(1);
  const template = node ? NODE_MODULES[node.data.type].template : undefined;
  if (template && problem.path === "config.templateId") {
    return `Choose an existing ${template.name} template (saved, not archived) for this step; Templates lists them.`;
  }
  if (node && problem.path.endsWith("segmentId"))
    return "Choose an existing segment (not archived) for this step; Segments lists them.";
  // The schedule's times come from a date picker: "must be an ISO 8601 date-time" only means none was chosen.
  if (problem.path === "config.schedule.at" || problem.path === "config.schedule.startAt")
    return `${fieldName(problem.path)}: choose a date and time`;
  const field = fieldName(problem.path);
  return field ? `${field}: ${problem.message}` : message;
}
