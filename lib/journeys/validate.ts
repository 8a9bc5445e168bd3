import type { z } from "zod";
import { eventNameReferences, unknownEventWarning } from "./event-name-suggestions";
import {
  exitsOf,
  isTerminal,
  isTrigger,
  NODE_CONFIGS,
  ZJourneyGraph,
  type NodeType,
  type TEdge,
  type TJourneyGraph,
  type TNode,
} from "./graph";

/**
 * Everything that makes a journey publishable, checked the same way in the canvas, the API and before
 * publishing. Every problem names the node (or edge) and the field, so the canvas can highlight it and
 * the API can list it. A journey with no problems can be published.
 */
export interface JourneyProblem {
  nodeId?: string;
  edgeId?: string;
  /** dotted path: "config.duration.amount", "edges", "settings.goal.eventName" */
  path: string;
  message: string;
}

/** What exists in the workspace, for reference checks. Leave a set out to skip that check. */
export interface JourneyReferences {
  templateIds?: ReadonlySet<string>;
  segmentIds?: ReadonlySet<string>;
}

export interface ValidationResult {
  /** the graph with node configs parsed (defaults filled), when its shape could be read at all */
  graph: TJourneyGraph | null;
  problems: JourneyProblem[];
}

const TEMPLATE_NODES = new Set<NodeType>(["action.email", "action.sms", "action.push", "action.in_app"]);

function issuesToProblems(
  issues: z.core.$ZodIssue[],
  base: { nodeId?: string; edgeId?: string; prefix?: string },
): JourneyProblem[] {
  return issues.map((issue) => ({
    ...(base.nodeId ? { nodeId: base.nodeId } : {}),
    ...(base.edgeId ? { edgeId: base.edgeId } : {}),
    path: [base.prefix, ...issue.path.map(String)].filter(Boolean).join("."),
    message: issue.message,
  }));
}

export function validateJourney(input: unknown, references: JourneyReferences = {}): ValidationResult {
  const parsed = ZJourneyGraph.safeParse(input);
  if (!parsed.success) {
    // Point shape problems at the node or edge they are in, when it has an id.
    const raw = input as { nodes?: { id?: unknown }[]; edges?: { id?: unknown }[] } | null;
    return {
      graph: null,
      problems: parsed.error.issues.map((issue) => {
        const [collection, index] = issue.path;
        const item = collection === "nodes" || collection === "edges" ? raw?.[collection]?.[Number(index)] : undefined;
        const id = typeof item?.id === "string" ? item.id : undefined;
        return {
          ...(id && collection === "nodes" ? { nodeId: id } : {}),
          ...(id && collection === "edges" ? { edgeId: id } : {}),
          path: (id ? issue.path.slice(2) : issue.path).map(String).join(".") || String(collection ?? ""),
          message: issue.message,
        };
      }),
    };
  }
  const graph = parsed.data;
  const problems: JourneyProblem[] = [];

  // Node configs, by type.
  for (const node of graph.nodes) {
    const result = NODE_CONFIGS[node.type].safeParse(node.config);
    if (result.success) node.config = result.data as Record<string, unknown>;
    else problems.push(...issuesToProblems(result.error.issues, { nodeId: node.id, prefix: "config" }));
  }
  const configOk = new Set(graph.nodes.filter((n) => !problems.some((p) => p.nodeId === n.id)).map((n) => n.id));

  // Ids.
  const nodes = new Map<string, TNode>();
  for (const node of graph.nodes) {
    if (nodes.has(node.id))
      problems.push({ nodeId: node.id, path: "id", message: `another node already has the id "${node.id}"` });
    nodes.set(node.id, node);
  }
  const edgeIds = new Set<string>();
  for (const edge of graph.edges) {
    if (edgeIds.has(edge.id))
      problems.push({ edgeId: edge.id, path: "id", message: `another edge already has the id "${edge.id}"` });
    edgeIds.add(edge.id);
  }

  // Exactly one trigger.
  const triggers = graph.nodes.filter((n) => isTrigger(n.type));
  if (triggers.length === 0) problems.push({ path: "nodes", message: "a journey needs exactly one trigger; add one" });
  for (const extra of triggers.slice(1))
    problems.push({ nodeId: extra.id, path: "type", message: "a journey has exactly one trigger; remove this one" });

  // Edges: known ends, a valid exit, one edge per exit, nothing into a trigger.
  const validEdges: TEdge[] = [];
  const taken = new Map<string, string>();
  for (const edge of graph.edges) {
    const source = nodes.get(edge.source);
    const target = nodes.get(edge.target);
    if (!source)
      problems.push({
        edgeId: edge.id,
        path: "source",
        message: `starts at "${edge.source}", which is not a node of this journey`,
      });
    if (!target)
      problems.push({
        edgeId: edge.id,
        path: "target",
        message: `ends at "${edge.target}", which is not a node of this journey`,
      });
    if (!source || !target) continue;
    if (edge.source === edge.target) {
      problems.push({ edgeId: edge.id, nodeId: source.id, path: "target", message: "connects a node to itself" });
      continue;
    }
    if (isTrigger(target.type)) {
      problems.push({
        edgeId: edge.id,
        nodeId: target.id,
        path: "target",
        message: "nothing may lead into the trigger",
      });
      continue;
    }
    const exits = exitsOf(source);
    const exit = edge.branch ?? (exits.length === 1 ? exits[0] : undefined);
    if (exits.length === 0) {
      problems.push({
        edgeId: edge.id,
        nodeId: source.id,
        path: "source",
        message: `a ${source.type} node ends the journey; it has no way out`,
      });
      continue;
    }
    if (!exit || !exits.includes(exit)) {
      problems.push({
        edgeId: edge.id,
        nodeId: source.id,
        path: "branch",
        message: exit
          ? `"${exit}" is not an exit of this node; its exits are ${exits.join(", ")}`
          : `say which exit this edge leaves from: ${exits.join(", ")}`,
      });
      continue;
    }
    const key = `${source.id}\u0000${exit}`;
    if (taken.has(key)) {
      problems.push({
        edgeId: edge.id,
        nodeId: source.id,
        path: "branch",
        message: `the "${exit}" exit is already connected (edge ${taken.get(key)})`,
      });
      continue;
    }
    taken.set(key, edge.id);
    validEdges.push({ ...edge, branch: exit });
  }

  // Every exit of a branching node (and the trigger's) connected. Other nodes may simply end the journey.
  for (const node of graph.nodes) {
    if (!configOk.has(node.id) || isTerminal(node.type)) continue;
    const exits = exitsOf(node);
    const mustConnect = isTrigger(node.type) || exits.length > 1;
    if (!mustConnect) continue;
    for (const exit of exits) {
      if (!taken.has(`${node.id}\u0000${exit}`)) {
        problems.push({
          nodeId: node.id,
          path: `exits.${exit}`,
          message: isTrigger(node.type) ? "connect the trigger to the first step" : `connect the "${exit}" exit`,
        });
      }
    }
  }

  // Reachable from the trigger, and no cycles.
  const outgoing = new Map<string, TEdge[]>();
  for (const edge of validEdges) outgoing.set(edge.source, [...(outgoing.get(edge.source) ?? []), edge]);
  if (triggers.length === 1) {
    const reached = new Set<string>([triggers[0].id]);
    const queue = [triggers[0].id];
    while (queue.length) {
      for (const edge of outgoing.get(queue.shift()!) ?? []) {
        if (reached.has(edge.target)) continue;
        reached.add(edge.target);
        queue.push(edge.target);
      }
    }
    for (const node of graph.nodes) {
      if (!reached.has(node.id) && !isTrigger(node.type))
        problems.push({ nodeId: node.id, path: "", message: "no path from the trigger leads here" });
    }
  }
  const state = new Map<string, "visiting" | "done">();
  const visit = (id: string): void => {
    state.set(id, "visiting");
    for (const edge of outgoing.get(id) ?? []) {
      const s = state.get(edge.target);
      if (s === "visiting")
        problems.push({
          edgeId: edge.id,
          nodeId: edge.source,
          path: "target",
          message: "this edge closes a loop; journeys cannot go back to an earlier step",
        });
      else if (!s) visit(edge.target);
    }
    state.set(id, "done");
  };
  for (const node of graph.nodes) if (!state.has(node.id)) visit(node.id);

  // References to templates and segments that must exist.
  for (const node of graph.nodes) {
    if (!configOk.has(node.id)) continue;
    const config = node.config as Record<string, unknown>;
    if (
      TEMPLATE_NODES.has(node.type) &&
      references.templateIds &&
      !references.templateIds.has(String(config.templateId))
    ) {
      problems.push({
        nodeId: node.id,
        path: "config.templateId",
        message: `no template with id "${config.templateId}" in this workspace`,
      });
    }
    if (references.segmentIds) {
      for (const { path, id } of segmentReferences(node)) {
        if (!references.segmentIds.has(id))
          problems.push({ nodeId: node.id, path, message: `no segment with id "${id}" in this workspace` });
      }
    }
  }

  return { graph, problems };
}

function segmentReferences(node: TNode): { path: string; id: string }[] {
  const config = node.config as Record<string, unknown>;
  const refs: { path: string; id: string }[] = [];
  if (typeof config.segmentId === "string") refs.push({ path: "config.segmentId", id: config.segmentId });
  const groups: { prefix: string; rules: { kind: string; segmentId?: string }[] }[] = [];
  if (node.type === "condition")
    groups.push({ prefix: "config.rules.rules", rules: (config.rules as { rules: [] }).rules });
  if (node.type === "branch") {
    (config.branches as { rules: { rules: [] } }[]).forEach((b, i) =>
      groups.push({ prefix: `config.branches.${i}.rules.rules`, rules: b.rules.rules }),
    );
  }
  for (const group of groups) {
    group.rules.forEach((rule, i) => {
      if (rule.kind === "segment" && rule.segmentId)
        refs.push({ path: `${group.prefix}.${i}.segmentId`, id: rule.segmentId });
    });
  }
  return refs;
}

/**
 * Warnings: things that do not block publishing but probably are not what the author meant. Shown in the
 * inspector while editing and in the publish dialog's checks; never among the problems above (a new app
 * may publish a journey before its first event arrives).
 *   - an event name the workspace has never received (when `catalog` is given): the closest catalog name
 *     as a "did you mean" (./event-name-suggestions.ts);
 *   - a wait for an event that is also a goal step's, the journey goal's (when the goal ends the journey) or
 *     an exit event: people who do it reach the goal or leave, so the wait's "arrived" path is never taken
 *     (the rule is decideOnEvent's, lib/engine/interpreter.ts).
 * Takes the graph as the canvas holds it (configs not yet valid are skipped, never thrown on).
 */
export function journeyWarnings(
  graph: {
    nodes: { id: string; type: string; label?: string; config: Record<string, unknown> }[];
    settings?: Partial<TJourneyGraph["settings"]> | null;
  },
  catalog?: readonly string[],
): JourneyProblem[] {
  const warnings: JourneyProblem[] = [];
  if (catalog) {
    for (const ref of eventNameReferences(graph)) {
      const message = unknownEventWarning(ref.eventName, catalog);
      if (message) warnings.push({ ...(ref.nodeId ? { nodeId: ref.nodeId } : {}), path: ref.path, message });
    }
  }
  const goalSteps = graph.nodes.filter((n) => n.type === "goal" && typeof n.config?.eventName === "string");
  const goal = graph.settings?.goal;
  const exitEvents = Array.isArray(graph.settings?.exitEvents) ? graph.settings.exitEvents : [];
  for (const wait of graph.nodes) {
    const name = wait.type === "wait_for_event" ? wait.config?.eventName : undefined;
    if (typeof name !== "string" || !name.trim()) continue;
    const at = { nodeId: wait.id, path: "config.eventName" };
    if (exitEvents.includes(name)) {
      warnings.push({
        ...at,
        message: `this wait's event is also an exit event: people who do ${name} leave the journey, so its “Arrived” path is never taken; wait for another event or remove ${name} from the exit events`,
      });
    } else if (goalSteps.some((g) => g.config.eventName === name)) {
      const step = goalSteps.find((g) => g.config.eventName === name)!;
      warnings.push({
        ...at,
        message: `this wait's event is also the goal step ${step.label ? `“${step.label}”` : step.id}'s: people who do ${name} reach the goal and end the journey, so its “Arrived” path is never taken; wait for another event`,
      });
    } else if (goal?.eventName === name && goal.onConversion !== "continue") {
      warnings.push({
        ...at,
        message: `this wait's event is also the goal's: people who do ${name} reach the goal and leave the journey, so its “Arrived” path is never taken; set the goal to let people continue after converting (they then take “Arrived”), or wait for another event`,
      });
    }
  }
  return warnings;
}
