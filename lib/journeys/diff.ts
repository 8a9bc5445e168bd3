import type { TJourneyGraph } from "./graph";

/** One field of a step that publishing changes, as the publish dialog words it ("subject: “Hi” → “Hello”"). */
export interface FieldChange {
  /** the field, in words: "label", "type", "template", "template version", "subject", "wait.amount", … */
  field: string;
  before: string;
  after: string;
}

/**
 * What publishing would change, compared with the live version: shown before a publish is confirmed and
 * kept with every published version.
 */
export interface JourneyDiff {
  addedNodes: string[];
  removedNodes: string[];
  /** nodes whose type, label, configuration or pinned template version changed (moving a node is not a change) */
  changedNodes: string[];
  /** for each changed node, what changed in it, field by field */
  nodeChanges: Record<string, FieldChange[]>;
  addedEdges: string[];
  removedEdges: string[];
  settingsChanged: boolean;
}

/**
 * The template versions a journey version sends: a journey version pins, for each template, the newest version
 * saved before it was published (lib/messaging/templates.ts templateVersionAt). Given for the live version
 * (`before`) and for what publishing now would pin (`after`), so a template saved since the last publish shows
 * as a change of the steps that send it, with what changed in the template's content.
 */
export type PinnedTemplates = Map<string, { version: number; content: Record<string, unknown> }>;

/** The templates a graph's steps send (message steps, and webhook steps that use a saved template). */
export function templateIdsOf(graph: TJourneyGraph): string[] {
  return [
    ...new Set(
      graph.nodes.flatMap((n) =>
        typeof (n.config as { templateId?: unknown } | undefined)?.templateId === "string"
          ? [(n.config as { templateId: string }).templateId]
          : [],
      ),
    ),
  ];
}

const edgeKey = (e: { source: string; target: string; branch?: string }) =>
  `${e.source} -${e.branch ?? "next"}-> ${e.target}`;
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

/** A value as the dialog shows it: strings quoted, long ones cut (the dialog lists changes, it is not a text diff). */
const MAX_SHOWN = 80;
function shown(value: unknown): string {
  if (value === undefined || value === null || value === "") return "(none)";
  const text = typeof value === "string" ? `“${value}”` : canonical(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}

/** Leaf-by-leaf differences of two JSON values; objects are walked, arrays and scalars compared whole. */
function fieldDiff(before: unknown, after: unknown, prefix: string, out: FieldChange[]): void {
  const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) fieldDiff(before[key], after[key], prefix ? `${prefix}.${key}` : key, out);
    return;
  }
  if (canonical(before ?? null) !== canonical(after ?? null))
    out.push({ field: prefix || "value", before: shown(before), after: shown(after) });
}

function nodeChanges(
  o: TJourneyGraph["nodes"][number],
  n: TJourneyGraph["nodes"][number],
  templates?: { before: PinnedTemplates; after: PinnedTemplates },
): FieldChange[] {
  const changes: FieldChange[] = [];
  if (o.type !== n.type) changes.push({ field: "type", before: o.type, after: n.type });
  if ((o.label ?? "") !== (n.label ?? ""))
    changes.push({ field: "label", before: shown(o.label), after: shown(n.label) });
  // a draft that does not validate may lack a config; compare what is there
  const oc = (o.config ?? {}) as Record<string, unknown>;
  const nc = (n.config ?? {}) as Record<string, unknown>;
  fieldDiff(oc, nc, "", changes);
  const templateId = typeof nc.templateId === "string" ? nc.templateId : undefined;
  if (templates && templateId) {
    const was = oc.templateId === templateId ? templates.before.get(templateId) : undefined;
    const now = templates.after.get(templateId);
    if (was && now && was.version !== now.version) {
      changes.push({ field: "template version", before: String(was.version), after: String(now.version) });
      fieldDiff(was.content, now.content, "", changes);
    }
  }
  return changes;
}

export function diffJourneys(
  before: TJourneyGraph | null,
  after: TJourneyGraph,
  templates?: { before: PinnedTemplates; after: PinnedTemplates },
): JourneyDiff {
  const old = new Map((before?.nodes ?? []).map((n) => [n.id, n]));
  const now = new Map(after.nodes.map((n) => [n.id, n]));
  const oldEdges = new Set((before?.edges ?? []).map(edgeKey));
  const newEdges = new Set(after.edges.map(edgeKey));
  const changes: Record<string, FieldChange[]> = {};
  for (const n of now.values()) {
    const o = old.get(n.id);
    if (!o) continue;
    const found = nodeChanges(o, n, templates);
    if (found.length) changes[n.id] = found;
  }
  return {
    addedNodes: [...now.keys()].filter((id) => !old.has(id)),
    removedNodes: [...old.keys()].filter((id) => !now.has(id)),
    changedNodes: Object.keys(changes),
    nodeChanges: changes,
    addedEdges: [...newEdges].filter((e) => !oldEdges.has(e)),
    removedEdges: [...oldEdges].filter((e) => !newEdges.has(e)),
    settingsChanged: canonical(before?.settings ?? null) !== canonical(after.settings),
  };
}
