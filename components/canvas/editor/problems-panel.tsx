import { CircleAlert, CircleCheck } from "lucide-react";
import type { JourneyProblem } from "@/lib/journeys/validate";
import type { JourneyFlowNode } from "../journey-nodes";
import { describeProblem } from "../node-text";
import { NODE_MODULES } from "../nodes";

/** The draft's problems under the canvas, each naming its step; a click focuses that step. */
export function ProblemsPanel({
  readOnly,
  problems,
  nodeById,
  open,
  onToggle,
  onFocus,
}: {
  readOnly: boolean;
  problems: JourneyProblem[];
  nodeById: Map<string, JourneyFlowNode>;
  open: boolean;
  onToggle: () => void;
  onFocus: (id: string) => void;
}) {
  if (!problems.length) {
    return (
      <div
        className="flex items-center gap-2 border-t border-stone-200 bg-white px-4 py-2 text-sm font-medium text-brand-800"
        data-testid="problems"
      >
        <CircleCheck className="h-4 w-4" aria-hidden="true" />
        {readOnly ? "No problems: this draft is complete" : "Ready to publish"}
      </div>
    );
  }
  return (
    <section className="border-t border-red-200 bg-white" data-testid="problems" aria-label="Problems">
      <button
        type="button"
        onClick={onToggle}
        aria-expanded={open}
        className="flex w-full items-center gap-2 px-4 py-2 text-left text-sm font-semibold text-red-800 hover:bg-red-50/50"
      >
        <CircleAlert className="h-4 w-4" aria-hidden="true" />
        {problems.length} problem{problems.length === 1 ? "" : "s"} to fix before publishing
        <span className="ml-auto text-xs font-normal text-stone-500">{open ? "Hide" : "Show"}</span>
      </button>
      {open ? (
        <ul className="grid max-h-36 grid-cols-1 gap-x-4 overflow-y-auto border-t border-red-100 px-2 py-1 xl:grid-cols-2">
          {problems.map((p, i) => {
            const node = p.nodeId ? nodeById.get(p.nodeId) : undefined;
            const text = describeProblem(p, node);
            const where = node
              ? node.data.label || NODE_MODULES[node.data.type].title
              : p.edgeId
                ? "Connection"
                : "Journey";
            return (
              <li key={i}>
                <button
                  type="button"
                  disabled={!node}
                  onClick={() => node && onFocus(node.id)}
                  className="flex w-full items-baseline gap-2 rounded px-2 py-1.5 text-left text-xs hover:bg-red-50 disabled:cursor-default disabled:hover:bg-transparent"
                >
                  <span className="shrink-0 font-semibold text-stone-900">{where}</span>
                  <span className="text-stone-700">{text}</span>
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
    </section>
  );
}
