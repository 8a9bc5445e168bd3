import { z } from "zod";
import { NODE_CONFIGS, NODE_TYPES, ZEdge, ZJourneySettings, ZNode, type NodeType } from "./graph";

/**
 * The journey graph as JSON Schema (draft 2020-12), for `GET /api/v1/schema/journey`: the same zod
 * definitions, with each node's `config` spelled out per node type. Rules a JSON Schema cannot say
 * (one trigger, no cycles, every exit connected, operator/value pairs) are enforced by validateJourney
 * and listed in docs/journey-schema.md.
 */
const ZPublishedNode = z.discriminatedUnion(
  "type",
  NODE_TYPES.map((type) =>
    ZNode.extend({ type: z.literal(type), config: NODE_CONFIGS[type as NodeType] }),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

const ZPublishedGraph = z
  .object({ nodes: z.array(ZPublishedNode), edges: z.array(ZEdge), settings: ZJourneySettings.optional() })
  .meta({
    title: "Cairn journey",
    description:
      "A journey graph: nodes, the edges between their exits, and journey settings. See docs/journey-schema.md.",
  });

let cached: Record<string, unknown> | undefined;
export function journeyJsonSchema(): Record<string, unknown> {
  cached ??= {
    $id: "https://cairn.dev/schemas/journey.json",
    ...z.toJSONSchema(ZPublishedGraph, { io: "input", unrepresentable: "any" }),
  };
  return cached;
}
