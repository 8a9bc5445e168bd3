import type pg from "pg";
import { ZJourneyGraph, type TJourneyGraph, type TNode } from "../journeys/graph";
import { pinnedWebhookTemplates, type PinnedWebhookTemplate } from "../messaging/webhook-templates";
import { selectJourneyVersions } from "./store/journey-versions";

/**
 * Published journey versions, parsed once per process: versions are immutable, so a cache keyed by
 * version id is never stale. Node lookups by id are precomputed for the walk.
 */
export interface CompiledVersion {
  id: string;
  journeyId: string;
  graph: TJourneyGraph;
  nodes: Map<string, TNode>;
  trigger: TNode;
  /**
   * By node id, the saved template each webhook step that uses one sends: the version pinned at publishing,
   * with the partials of then, which no later edit changes (so it is cached with the version). A step whose
   * template had no version then is missing here, and its call fails with that reason.
   */
  webhookTemplates: Map<string, PinnedWebhookTemplate>;
}

const cache = new Map<string, CompiledVersion>();

function compile(id: string, journeyId: string, raw: unknown): CompiledVersion {
  const graph = ZJourneyGraph.parse(raw);
  const trigger = graph.nodes.find((n) => n.type.startsWith("trigger."));
  if (!trigger) throw new Error(`journey version ${id} has no trigger`);
  return {
    id,
    journeyId,
    graph,
    nodes: new Map(graph.nodes.map((n) => [n.id, n])),
    trigger,
    webhookTemplates: new Map(),
  };
}

/** The steps of a version that send a saved webhook template, with the template's id. */
function webhookTemplateSteps(version: CompiledVersion): [nodeId: string, templateId: string][] {
  return version.graph.nodes.flatMap((n) =>
    n.type === "action.webhook" && typeof n.config.templateId === "string"
      ? [[n.id, n.config.templateId] as [string, string]]
      : [],
  );
}

export async function loadVersions(
  client: pg.ClientBase,
  ids: Iterable<string>,
): Promise<Map<string, CompiledVersion>> {
  const wanted = [...new Set(ids)];
  const missing = wanted.filter((id) => !cache.has(id));
  if (missing.length) {
    const rows = await selectJourneyVersions(client, missing);
    for (const row of rows) {
      const version = compile(row.id, row.journeyId, row.graph);
      const steps = webhookTemplateSteps(version);
      if (steps.length) {
        const pinned = await pinnedWebhookTemplates(
          client,
          row.workspaceId,
          row.publishedAt,
          steps.map(([, templateId]) => templateId),
        );
        for (const [nodeId, templateId] of steps)
          if (pinned.has(templateId)) version.webhookTemplates.set(nodeId, pinned.get(templateId)!);
      }
      cache.set(row.id, version);
    }
  }
  return new Map(wanted.flatMap((id) => (cache.has(id) ? [[id, cache.get(id)!] as const] : [])));
}

export async function loadVersion(client: pg.ClientBase, id: string): Promise<CompiledVersion> {
  const version = (await loadVersions(client, [id])).get(id);
  if (!version) throw new Error(`journey version ${id} not found`);
  return version;
}
