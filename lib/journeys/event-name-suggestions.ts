/**
 * Event names a journey refers to, checked against the workspace's event catalog (the names that have
 * arrived: EventType rows, lib/events/events.ts). A name never seen is usually a typo ("Order Complted"),
 * and a journey waiting for it would wait forever, so the canvas and the publish checks warn with the
 * closest catalog name. A warning, never a blocker: a new app may publish before its first event arrives.
 * Pure: the caller brings the catalog names.
 */

/** Levenshtein distance (insertions, deletions, substitutions), two rows of the table at a time. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The catalog name closest to `name`, or null when nothing is close enough to be a likely typo. Case and
 * the usual separators (space, _, -, .) count as nothing, so "order_completed" finds "Order Completed";
 * past that, at most a third of the name's letters may differ (at least 2). Ties go to the earlier name
 * (the catalog lists the most recently seen first).
 */
export function closestName(name: string, catalog: readonly string[]): string | null {
  const norm = (s: string) =>
    s
      .toLowerCase()
      .replace(/[\s_\-.]+/g, " ")
      .trim();
  const target = norm(name);
  const limit = Math.max(2, Math.floor(target.length / 3));
  let best: { name: string; distance: number } | null = null;
  for (const candidate of catalog) {
    if (candidate === name) continue;
    const distance = editDistance(target, norm(candidate));
    if (distance <= limit && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name ?? null;
}

/** The warning for an event name the catalog has never seen, or null when it has. */
export function unknownEventWarning(name: string, catalog: readonly string[]): string | null {
  if (!name.trim() || catalog.includes(name)) return null;
  const suggestion = closestName(name, catalog);
  return suggestion
    ? `no event named '${name}' has arrived; did you mean '${suggestion}'?`
    : `no event named '${name}' has arrived yet; check the name, or publish anyway if the app has not sent it yet`;
}

export interface EventNameReference {
  nodeId?: string;
  /** dotted path of the field, as in JourneyProblem: "config.eventName", "settings.exitEvents.0" */
  path: string;
  eventName: string;
}

interface LooseGraph {
  nodes: { id: string; type: string; config: Record<string, unknown> }[];
  settings?: { exitEvents?: unknown; goal?: { eventName?: unknown } | null } | null;
}

/** Every event name the journey refers to: triggers, waits, goal steps, "has done" rules, the goal and exit events. */
export function eventNameReferences(graph: LooseGraph): EventNameReference[] {
  const refs: EventNameReference[] = [];
  const add = (nodeId: string | undefined, path: string, value: unknown) => {
    if (typeof value === "string" && value.trim()) refs.push({ ...(nodeId ? { nodeId } : {}), path, eventName: value });
  };
  const rules = (nodeId: string, prefix: string, group: unknown) => {
    const list = (group as { rules?: unknown } | null)?.rules;
    if (!Array.isArray(list)) return;
    list.forEach((rule: { kind?: unknown; eventName?: unknown }, i) => {
      if (rule?.kind === "performed") add(nodeId, `${prefix}.rules.${i}.eventName`, rule.eventName);
    });
  };
  for (const node of graph.nodes) {
    const c = node.config ?? {};
    if (node.type === "trigger.event" || node.type === "wait_for_event" || node.type === "goal")
      add(node.id, "config.eventName", c.eventName);
    if (node.type === "condition") rules(node.id, "config.rules", c.rules);
    if (node.type === "branch" && Array.isArray(c.branches))
      c.branches.forEach((b: { rules?: unknown }, i) => rules(node.id, `config.branches.${i}.rules`, b?.rules));
  }
  add(undefined, "settings.goal.eventName", graph.settings?.goal?.eventName);
  if (Array.isArray(graph.settings?.exitEvents))
    graph.settings.exitEvents.forEach((name, i) => add(undefined, `settings.exitEvents.${i}`, name));
  return refs;
}
