"use client";

import { Handle, Position, useUpdateNodeInternals, type Node, type NodeProps, type NodeTypes } from "@xyflow/react";
import { CircleAlert } from "lucide-react";
import { createContext, memo, useContext, useEffect, useMemo, useRef } from "react";
import type { MessageCounts, NodeCounts } from "@/lib/engine/read-model";
import { isTrigger, type NodeType } from "@/lib/journeys/graph";
import { exitLabels, summarize } from "./node-text";
import { FAMILY_STYLE, NODE_MODULES, type NodeFamily } from "./nodes";

export interface JourneyNodeData extends Record<string, unknown> {
  type: NodeType;
  label?: string;
  config: Record<string, unknown>;
}
export type JourneyFlowNode = Node<JourneyNodeData>;

/** Problem counts per node; a context so that nodes need not carry them (and no node subscribes to all nodes). */
export const ProblemCountsContext = createContext<ReadonlyMap<string, number>>(new Map());
export const ReadOnlyContext = createContext(false);
/**
 * Live counts per node id, polled while the editor is open (null before the journey is published). A
 * context, like the problems, so that the counts never enter the nodes' state: no re-layout, no autosave,
 * no undo step, selection untouched.
 */
/** Template names by id, so message steps show which template they send (fetched once by the editor). */
export const TemplateNamesContext = createContext<ReadonlyMap<string, string>>(new Map());

export const NodeStatsContext = createContext<Readonly<Record<string, NodeCounts>> | null>(null);

const COUNT = new Intl.NumberFormat(undefined);
const COMPACT = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 });
/** Full numbers up to 9,999; "12K", "1.2M" beyond, so the strip keeps its width. */
export const formatCount = (n: number) => (n < 10_000 ? COUNT.format(n) : COMPACT.format(n));
const people = (n: number) => `${COUNT.format(n)} ${n === 1 ? "person" : "people"}`;

/** entered · here now · moved on, under the node's summary; each number explains itself on hover. */
function NodeStatsStrip({ counts, last }: { counts: NodeCounts; last: boolean }) {
  const summary = `${COUNT.format(counts.entered)} entered, ${COUNT.format(counts.waiting)} waiting here now, ${COUNT.format(counts.left)} moved on`;
  const cells = [
    {
      key: "entered",
      label: "entered",
      value: counts.entered,
      explain: `${people(counts.entered)} reached this step (all versions).`,
      tone: "text-stone-900",
    },
    {
      key: "waiting",
      label: "here now",
      value: counts.waiting,
      explain: `${people(counts.waiting)} ${counts.waiting === 1 ? "is" : "are"} at this step now: waiting, or being moved on.`,
      tone: counts.waiting ? "text-brand-700" : "text-stone-900",
    },
    {
      key: "left",
      label: "moved on",
      value: counts.left,
      explain: `${people(counts.left)} left this step.`,
      tone: "text-stone-900",
    },
  ];
  return (
    <dl
      data-testid="node-stats"
      aria-label={summary}
      className={`grid grid-cols-3 divide-x divide-stone-100 border-t border-stone-100 bg-stone-50/70 text-center ${last ? "rounded-b-xl" : ""}`}
    >
      {cells.map((cell) => (
        <div
          key={cell.key}
          title={`${summary}\n${cell.explain}`}
          className="flex flex-row-reverse items-baseline justify-center gap-1 px-0.5 py-1 whitespace-nowrap"
          data-stat={cell.key}
        >
          <dt className="text-[11px] text-stone-500">{cell.label}</dt>
          <dd className={`text-xs font-semibold tabular-nums ${cell.tone}`}>{formatCount(cell.value)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** sent · delivered · opened · clicked for message steps, with failures and suppressions on hover. */
function MessageStatsStrip({ counts }: { counts: MessageCounts }) {
  const rate = (n: number) => (counts.sent ? ` (${Math.round((n / counts.sent) * 100)}% of sent)` : "");
  const summary = `${COUNT.format(counts.sent)} sent, ${COUNT.format(counts.delivered)} delivered, ${COUNT.format(counts.opened)} opened, ${COUNT.format(counts.clicked)} clicked; ${COUNT.format(counts.failed)} bounced or failed, ${COUNT.format(counts.suppressed)} suppressed`;
  const cells = [
    { key: "sent", label: "sent", value: counts.sent, explain: "Messages handed to the provider." },
    { key: "delivered", label: "deliv.", value: counts.delivered, explain: `Delivered${rate(counts.delivered)}.` },
    { key: "opened", label: "opened", value: counts.opened, explain: `Opened${rate(counts.opened)}.` },
    { key: "clicked", label: "clicked", value: counts.clicked, explain: `Clicked a link${rate(counts.clicked)}.` },
  ];
  return (
    <dl
      data-testid="message-stats"
      aria-label={summary}
      className="grid grid-cols-4 divide-x divide-stone-100 rounded-b-xl border-t border-stone-100 bg-white text-center"
    >
      {cells.map((cell) => (
        <div
          key={cell.key}
          title={`${summary}\n${cell.explain}`}
          className="flex flex-col items-center px-0.5 py-1 whitespace-nowrap"
          data-stat={cell.key}
        >
          <dd className="text-xs font-semibold text-stone-900 tabular-nums">{formatCount(cell.value)}</dd>
          <dt className="text-[10px] text-stone-500">{cell.label}</dt>
        </div>
      ))}
    </dl>
  );
}

export const NODE_WIDTH = 248;

function JourneyNodeCard({ id, data, selected }: NodeProps<JourneyFlowNode>) {
  const meta = NODE_MODULES[data.type];
  const style = FAMILY_STYLE[meta.family];
  const problems = useContext(ProblemCountsContext).get(id) ?? 0;
  const readOnly = useContext(ReadOnlyContext);
  const counts = useContext(NodeStatsContext)?.[id];
  const templateNames = useContext(TemplateNamesContext);
  const exits = useMemo(() => exitLabels(data.type, data.config), [data.type, data.config]);
  const exitKey = exits.map((e) => e.id).join("|");
  const updateNodeInternals = useUpdateNodeInternals();
  // React Flow measures a node's handles when it mounts; only a change of exits afterwards (a branch
  // added or removed) needs a new measurement. Asking on mount too made opening a 300-node journey
  // measure and re-render every node 300 times over (the bench:canvas profile).
  const measuredExits = useRef(exitKey);
  useEffect(() => {
    if (measuredExits.current === exitKey) return;
    measuredExits.current = exitKey;
    updateNodeInternals(id);
  }, [id, exitKey, updateNodeInternals]);
  const Icon = meta.icon;
  const labelled = exits.length > 1 || (exits.length === 1 && exits[0].label);

  return (
    <div
      data-testid={`node-${data.label || meta.title}`}
      data-node-type={data.type}
      data-problems={problems}
      style={{ width: NODE_WIDTH }}
      className={`group relative rounded-xl bg-white text-left shadow-sm transition-shadow ${
        problems
          ? "ring-2 ring-red-400"
          : selected
            ? "ring-2 ring-brand-600"
            : "ring-1 ring-stone-200 hover:ring-stone-300"
      } ${selected ? "shadow-md" : ""}`}
    >
      {!isTrigger(data.type) ? (
        <Handle
          type="target"
          position={Position.Top}
          isConnectable={!readOnly}
          className="!h-3 !w-3 !border-2 !border-white !bg-stone-400"
        />
      ) : null}
      <div className="flex items-start gap-3 px-3.5 pt-3 pb-3">
        <span className={`mt-0.5 flex h-8 w-8 shrink-0 items-center justify-center rounded-lg ${style.icon}`}>
          <Icon className="h-4 w-4" aria-hidden="true" />
        </span>
        <div className="min-w-0 flex-1">
          <div className="flex items-center justify-between gap-2">
            <span className={`text-[11px] font-semibold tracking-wide uppercase ${style.accent}`}>{meta.title}</span>
            {problems ? (
              <span
                className="inline-flex items-center gap-1 rounded-full bg-red-50 px-1.5 py-0.5 text-[11px] font-medium text-red-700 ring-1 ring-red-200"
                title={`${problems} problem${problems === 1 ? "" : "s"}`}
              >
                <CircleAlert className="h-3 w-3" aria-hidden="true" />
                {problems}
              </span>
            ) : null}
          </div>
          <p className="truncate text-sm font-semibold text-stone-900">{data.label || meta.title}</p>
          <p className="truncate text-xs text-stone-500">{summarize(data.type, data.config, templateNames)}</p>
        </div>
      </div>
      {counts ? <NodeStatsStrip counts={counts} last={!labelled && !counts.messages} /> : null}
      {counts?.messages ? <MessageStatsStrip counts={counts.messages} /> : null}
      {labelled ? (
        <div className="flex justify-around gap-1 border-t border-stone-100 px-2 pt-1.5 pb-2.5">
          {exits.map((exit) => (
            <span key={exit.id} className="max-w-[7rem] truncate text-center text-[11px] font-medium text-stone-600">
              {exit.label}
            </span>
          ))}
        </div>
      ) : null}
      {exits.map((exit, i) => (
        <Handle
          key={exit.id}
          id={exit.id}
          type="source"
          position={Position.Bottom}
          isConnectable={!readOnly}
          title={exit.label || "Next step"}
          aria-label={exit.label ? `${exit.label} exit` : "Next step"}
          style={{ left: `${((i + 0.5) / exits.length) * 100}%` }}
          className={`!h-3 !w-3 !border-2 !border-white ${style.handle}`}
        />
      ))}
    </div>
  );
}

/** One memoized component per node family (React Flow's guidance: defined once, at module scope). */
const familyNode = (family: NodeFamily) => {
  const Component = memo(JourneyNodeCard);
  Component.displayName = `${family}Node`;
  return Component;
};

export const FAMILY_NODES: Record<NodeFamily, ReturnType<typeof familyNode>> = {
  trigger: familyNode("trigger"),
  delay: familyNode("delay"),
  wait: familyNode("wait"),
  logic: familyNode("logic"),
  action: familyNode("action"),
  finish: familyNode("finish"),
};

export const nodeTypes: NodeTypes = FAMILY_NODES;
