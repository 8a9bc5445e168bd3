"use client";

import type { Edge } from "@xyflow/react";
import { useMemo } from "react";
import type { NodeType, TJourneySettings } from "@/lib/journeys/graph";
import { validateJourney } from "@/lib/journeys/validate";
import type { JourneyFlowNode } from "../journey-nodes";

/**
 * Which templates and segments exist is the server's to say: the inspector only offers saved templates and
 * live segments, and publishing checks them again (an archived one is refused there).
 */
const REFERENCES = {};

/**
 * The draft's problems as it is edited, and how many each step has. Positions do not matter, so the key leaves
 * them out and dragging does not re-validate.
 */
export function useLiveValidation(nodes: JourneyFlowNode[], edges: Edge[], settings: TJourneySettings) {
  const logicalJson = JSON.stringify({
    nodes: nodes.map((n) => [n.id, n.data.type, n.data.label, n.data.config]),
    edges: edges.map((e) => [e.id, e.source, e.target, e.sourceHandle]),
    settings,
  });
  const validation = useMemo(() => {
    const parsed = JSON.parse(logicalJson) as {
      nodes: [string, NodeType, string | undefined, Record<string, unknown>][];
      edges: [string, string, string, string | null][];
      settings: TJourneySettings;
    };
    return validateJourney(
      {
        nodes: parsed.nodes.map(([id, type, label, config]) => ({
          id,
          type,
          ...(label ? { label } : {}),
          config,
          position: { x: 0, y: 0 },
        })),
        edges: parsed.edges.map(([id, source, target, branch]) => ({
          id,
          source,
          target,
          ...(branch ? { branch } : {}),
        })),
        settings: parsed.settings,
      },
      REFERENCES,
    );
  }, [logicalJson]);
  const problems = validation.problems;
  const problemCounts = useMemo(() => {
    const counts = new Map<string, number>();
    for (const p of problems) if (p.nodeId) counts.set(p.nodeId, (counts.get(p.nodeId) ?? 0) + 1);
    return counts;
  }, [problems]);
  return { problems, problemCounts };
}
