import type { z } from "zod";
import { exitsOf, isTerminal, isTrigger, NODE_CONFIGS, ZJourneyGraph, type NodeType, type TEdge, type TJourneyGraph, type TNode } from "./graph";

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

function issuesToProblems(issues: z.core.$ZodIssue[], base: { nodeId?: string; edgeId?: string; prefix?: string }): JourneyProblem[] {
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
    if (nodes.has(node.id)) problems.push({ nodeId: node.id, path: "id", message: `another node already has the id "${node.id}"` });
    nodes.set(node.id, node);
  }
  const edgeIds = new Set<string>();
  for (const edge of graph.edges) {
    if (edgeIds.has(edge.id)) problems.push({ edgeId: edge.id, path: "id", message: `another edge already has the id "${edge.id}"` });
    edgeIds.add(edge.id);
  }

  // Exactly one trigger.
  const triggers = graph.nodes.filter((n) => isTrigger(n.type));
  if (triggers.length === 0) problems.push({ path: "nodes", message: "a journey needs exactly one trigger; add one" });
  for (const extra of triggers.slice(1)) problems.push({ nodeId: extra.id, path: "type", message: "a journey has exactly one trigger; remove this one" });

  // Edges: known ends, a valid exit, one edge per exit, nothing into a trigger.
  const validEdges: TEdge[] = [];
  const taken = new Map<string, string>();
  for (const edge of graph.edges) {
    const source = nodes.get(edge.source);
    const target = nodes.get(edge.target);
    if (!source) problems.push({ edgeId: edge.id, path: "source", message: `starts at "${edge.source}", which is not a node of this journey` });
    if (!target) problems.push({ edgeId: edge.id, path: "target", message: `ends at "${edge.target}", which is not a node of this journey` });
    if (!source || !target) continue;
    if (edge.source === edge.target) {
      problems.push({ edgeId: edge.id, nodeId: source.id, path: "target", message: "connects a node to itself" });
      continue;
    }
    if (isTrigger(target.type)) {
      problems.push({ edgeId: edge.id, nodeId: target.id, path: "target", message: "nothing may lead into the trigger" });
      continue;
    }
    const exits = exitsOf(source);
    const exit = edge.branch ?? (exits.length === 1 ? exits[0] : undefined);
    if (exits.length === 0) {
      problems.push({ edgeId: edge.id, nodeId: source.id, path: "source", message: `a ${source.type} node ends the journey; it has no way out` });
      continue;
    }
    if (!exit || !exits.includes(exit)) {
      problems.push({
        edgeId: edge.id,
        nodeId: source.id,
        path: "branch",
        message: exit ? `"${exit}" is not an exit of this node; its exits are ${exits.join(", ")}` : `say which exit this edge leaves from: ${exits.join(", ")}`,
      });
      continue;
    }
    const key = `${source.id}\u0000${exit}`;
    if (taken.has(key)) {
      problems.push({ edgeId: edge.id, nodeId: source.id, path: "branch", message: `the "${exit}" exit is already connected (edge ${taken.get(key)})` });
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
        problems.push({ nodeId: node.id, path: `exits.${exit}`, message: isTrigger(node.type) ? "connect the trigger to the first step" : `connect the "${exit}" exit` });
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
      if (!reached.has(node.id) && !isTrigger(node.type)) problems.push({ nodeId: node.id, path: "", message: "no path from the trigger leads here" });
    }
  }
  const state = new Map<string, "visiting" | "done">();
  const visit = (id: string): void => {
    state.set(id, "visiting");
    for (const edge of outgoing.get(id) ?? []) {
      const s = state.get(edge.target);
      if (s === "visiting") problems.push({ edgeId: edge.id, nodeId: edge.source, path: "target", message: "this edge closes a loop; journeys cannot go back to an earlier step" });
      else if (!s) visit(edge.target);
    }
    state.set(id, "done");
  };
  for (const node of graph.nodes) if (!state.has(node.id)) visit(node.id);

  // References to templates and segments that must exist.
  for (const node of graph.nodes) {
    if (!configOk.has(node.id)) continue;
    const config = node.config as Record<string, unknown>;
    if (TEMPLATE_NODES.has(node.type) && references.templateIds && !references.templateIds.has(String(config.templateId))) {
      problems.push({ nodeId: node.id, path: "config.templateId", message: `no template with id "${config.templateId}" in this workspace` });
    }
    if (references.segmentIds) {
      for (const { path, id } of segmentReferences(node)) {
        if (!references.segmentIds.has(id)) problems.push({ nodeId: node.id, path, message: `no segment with id "${id}" in this workspace` });
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
  if (node.type === "condition") groups.push({ prefix: "config.rules.rules", rules: (config.rules as { rules: [] }).rules });
  if (node.type === "branch") {
    (config.branches as { rules: { rules: [] } }[]).forEach((b, i) => groups.push({ prefix: `config.branches.${i}.rules.rules`, rules: b.rules.rules }));
  }
  for (const group of groups) {
    group.rules.forEach((rule, i) => {
      if (rule.kind === "segment" && rule.segmentId) refs.push({ path: `${group.prefix}.${i}.segmentId`, id: rule.segmentId });
    });
  }
  return refs;
}
