"use client";

import { FlaskConical, Trash2 } from "lucide-react";
import Link from "next/link";
import { useParams } from "next/navigation";
import { memo } from "react";
import type { NodeType } from "@/lib/journeys/graph";
import type { JourneyProblem } from "@/lib/journeys/validate";
import { Button } from "../ui/button";
import { TextField } from "../ui/field";
import { useWaitWarnings, Warning } from "./event-fields";
import { fieldName } from "./node-text";
import { isDraftOf, NODE_MODULES } from "./nodes";
import type { FieldErrors, NodeDraft } from "./nodes/types";

type Config = Record<string, unknown>;

/** A config with some top-level fields changed; a field changed to undefined is removed. */
function patched(config: Config, changes: Config): Config {
  const next = { ...config, ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete next[key];
  return next;
}

/** The node type's own form (nodes/<type>/form.tsx), typed by its zod config. */
function ConfigForm<T extends NodeType>({
  type,
  config,
  onConfig,
  err,
}: {
  type: T;
  config: Config;
  onConfig: (config: Config) => void;
  err: FieldErrors;
}) {
  if (!isDraftOf(type, config)) return null;
  const { Form } = NODE_MODULES[type];
  return (
    <Form
      type={type}
      config={config}
      patch={(changes: Partial<NodeDraft<T>>) => onConfig(patched(config, changes))}
      replace={(next: NodeDraft<T>) => onConfig(next)}
      err={err}
    />
  );
}

/** Problems no field shows (connections, reachability), listed under the form. */
function Unplaced({ problems }: { problems: JourneyProblem[] }) {
  const rest = problems.filter((p) => !p.path.startsWith("config.") || p.path === "config");
  if (!rest.length) return null;
  return (
    <ul
      className="space-y-1 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200"
      data-testid="node-problems"
    >
      {rest.map((p, i) => (
        <li key={i}>
          {p.path && p.path !== "config"
            ? `${fieldName(p.path)}: ${p.message}`
            : p.message[0].toUpperCase() + p.message.slice(1)}
        </li>
      ))}
    </ul>
  );
}

/** A split is an experiment: its results, lift over time, weights and auto-winner live on its own page. */
function ExperimentLink({ nodeId }: { nodeId: string }) {
  const { slug, id } = useParams<{ slug: string; id: string }>();
  return (
    <Link
      href={`/w/${slug}/journeys/${id}/experiments/${encodeURIComponent(nodeId)}`}
      className="flex items-center gap-2 rounded-lg bg-brand-50 px-3 py-2 text-sm font-medium text-brand-800 ring-1 ring-brand-200 hover:bg-brand-100"
      data-testid="experiment-link"
    >
      <FlaskConical className="h-4 w-4" aria-hidden="true" />
      Experiment results
    </Link>
  );
}

export const NodeInspector = memo(function NodeInspector({
  node,
  problems,
  readOnly,
  onChange,
  onDelete,
}: {
  node: { id: string; type: NodeType; label?: string; config: Config };
  problems: JourneyProblem[];
  readOnly: boolean;
  onChange: (id: string, patch: { label?: string; config?: Config }) => void;
  onDelete: (id: string) => void;
}) {
  const meta = NODE_MODULES[node.type];
  const err: FieldErrors = (path) => {
    const found = problems.find((p) => p.path === path);
    return found ? `${found.message[0].toUpperCase()}${found.message.slice(1)}` : undefined;
  };
  // A wait whose event is also a goal step's never takes "arrived" (the goal's and exit events: Journey settings).
  const waitWarnings = useWaitWarnings().filter((w) => w.nodeId === node.id);
  const Icon = meta.icon;
  const form = (
    <div className="space-y-4">
      <TextField
        label="Name on the canvas"
        placeholder={meta.title}
        value={node.label ?? ""}
        onChange={(e) => onChange(node.id, { label: e.target.value })}
      />
      <ConfigForm
        type={node.type}
        config={node.config}
        onConfig={(config) => onChange(node.id, { config })}
        err={err}
      />
    </div>
  );
  return (
    <div className="space-y-4" data-testid="inspector">
      <div className="flex items-center gap-2">
        <Icon className="h-4 w-4 text-stone-500" aria-hidden="true" />
        <h2 className="text-sm font-semibold text-stone-900">{meta.title}</h2>
        <span className="ml-auto font-mono text-[11px] text-stone-400">{node.id}</span>
      </div>
      <fieldset disabled={readOnly} className="min-w-0">
        <legend className="sr-only">Configure {meta.title}</legend>
        {form}
      </fieldset>
      <Unplaced problems={problems} />
      {waitWarnings.map((w, i) => (
        <Warning key={i} testId="wait-warning">
          {w.message[0].toUpperCase() + w.message.slice(1)}
        </Warning>
      ))}
      {node.type === "split" ? <ExperimentLink nodeId={node.id} /> : null}
      {readOnly ? null : (
        <Button variant="danger" className="w-full" onClick={() => onDelete(node.id)}>
          <Trash2 className="h-4 w-4" aria-hidden="true" />
          Delete step
        </Button>
      )}
    </div>
  );
});
