/**
 * The order a funnel lists a journey's nodes in: the graph's order (every node after all the nodes that lead
 * to it), from the trigger down, one branch at a time: after a split, the leftmost branch on the canvas is
 * followed as far as it goes before the next one starts, and a step where branches meet comes after all of
 * them. Pure; cycles (which validation refuses) and unreachable nodes cannot lose a node: whatever is left is
 * appended in canvas order (top to bottom, then left to right).
 */
export interface OrderableNode {
  id: string;
  position?: { x: number; y: number };
}

export interface OrderableEdge {
  source: string;
  target: string;
}

export function graphOrder<N extends OrderableNode>(nodes: N[], edges: OrderableEdge[]): { node: N; depth: number }[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const indegree = new Map(nodes.map((n) => [n.id, 0]));
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (!byId.has(e.source) || !byId.has(e.target) || e.source === e.target) continue;
    indegree.set(e.target, (indegree.get(e.target) ?? 0) + 1);
    next.set(e.source, [...(next.get(e.source) ?? []), e.target]);
  }
  const canvasOrder = (a: N, b: N) =>
    (a.position?.y ?? 0) - (b.position?.y ?? 0) ||
    (a.position?.x ?? 0) - (b.position?.x ?? 0) ||
    a.id.localeCompare(b.id);
  const depth = new Map<string, number>();
  // A stack: the children a node makes ready are taken next (depth first), the leftmost first.
  const ready = nodes
    .filter((n) => indegree.get(n.id) === 0)
    .sort(canvasOrder)
    .reverse();
  for (const n of ready) depth.set(n.id, 0);
  const out: { node: N; depth: number }[] = [];
  const placed = new Set<string>();
  while (ready.length) {
    const node = ready.pop()!;
    placed.add(node.id);
    const d = depth.get(node.id) ?? 0;
    out.push({ node, depth: d });
    const unlocked: N[] = [];
    for (const target of next.get(node.id) ?? []) {
      depth.set(target, Math.max(depth.get(target) ?? 0, d + 1));
      const left = indegree.get(target)! - 1;
      indegree.set(target, left);
      if (left === 0) unlocked.push(byId.get(target)!);
    }
    ready.push(...unlocked.sort(canvasOrder).reverse());
  }
  for (const node of [...nodes].sort(canvasOrder)) {
    if (!placed.has(node.id)) out.push({ node, depth: depth.get(node.id) ?? 0 });
  }
  return out;
}
