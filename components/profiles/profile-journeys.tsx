"use client";

import "@xyflow/react/dist/style.css";
import { Background, BackgroundVariant, MarkerType, ReactFlow, type Edge, type Node } from "@xyflow/react";
import { ChevronRight, Hourglass, Route } from "lucide-react";
import Link from "next/link";
import { useMemo, useState, useSyncExternalStore } from "react";
import type { EnrollmentStatus, EnrollmentStepView, ProfileEnrollment } from "@/lib/engine/read-model";
import type { PathTemplates } from "@/lib/profiles/path-templates";
import type { NodeType } from "@/lib/journeys/graph";
import { NODE_MODULES } from "../canvas/nodes";
import { EmptyState } from "../events/empty-state";
import { JsonBlock } from "../events/json-block";
import { formatMoney } from "../dashboards/parts";
import { Badge } from "../ui/card";
import { formatTimesInText } from "../ui/format";
import { LocalTime, LocalTimesInText } from "../ui/local-time";

const STATUS: Record<EnrollmentStatus, { label: string; tone: "stone" | "brand" | "amber" | "red"; title: string }> = {
  ACTIVE: { label: "Active", tone: "brand", title: "In the journey, being moved on to the next step" },
  WAITING: { label: "Waiting", tone: "amber", title: "In the journey, waiting in a delay or for an event" },
  COMPLETED: { label: "Completed", tone: "stone", title: "Reached the end of a path" },
  CONVERTED: { label: "Converted", tone: "brand", title: "Did the journey's goal" },
  EXITED: { label: "Exited", tone: "stone", title: "Removed by an exit event, or the journey was archived" },
  FAILED: { label: "Failed", tone: "red", title: "Stopped by an error" },
};

// Times: the server renders UTC and says so (it does not know the viewer's zone); the browser switches to its
// own zone once hydrated and names it (components/ui/local-time.tsx).
const RELATIVE = new Intl.RelativeTimeFormat("en-GB", { numeric: "auto" });

/** The current minute, in the browser only (null while rendering on the server); ticks every 30 s. */
const subscribeToClock = (tick: () => void) => {
  const timer = setInterval(tick, 30_000);
  return () => clearInterval(timer);
};
const useMinute = () =>
  useSyncExternalStore(
    subscribeToClock,
    () => Math.floor(Date.now() / 60_000) * 60_000,
    () => null,
  );

/** "in 25 minutes", "in 3 days", "2 hours ago", from the viewer's clock. */
function Relative({ iso }: { iso: string }) {
  const now = useMinute();
  if (now === null) return null;
  const seconds = (new Date(iso).getTime() - now) / 1000;
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ["day", 86_400],
    ["hour", 3600],
    ["minute", 60],
  ];
  const [unit, size] = units.find(([, s]) => Math.abs(seconds) >= s) ?? ["minute", 60];
  return <span className="text-amber-800/80"> ({RELATIVE.format(Math.round(seconds / size), unit)})</span>;
}

const typeTitle = (type: string) => NODE_MODULES[type as NodeType]?.title ?? type;
const hasInputs = (inputs: unknown) =>
  inputs !== null &&
  inputs !== undefined &&
  !(typeof inputs === "object" && Object.keys(inputs as object).length === 0);
const quote = (value: unknown) => (typeof value === "string" ? `“${value}”` : JSON.stringify(value));

const NO_TEMPLATES: PathTemplates = { names: {}, sentVersions: {} };
const TEMPLATE_IN_TEXT = /(?:template )?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/gi;

/** "“Welcome” v3" for a saved template (with the version sent, once sent), "a deleted template" otherwise. */
function templateWords(id: string, version: number | undefined, templates: PathTemplates): string {
  const name = templates.names[id.toLowerCase()] ?? templates.names[id];
  if (!name) return "a deleted template";
  return version ? `“${name}” v${version}` : `“${name}”`;
}

/**
 * The engine writes its decisions with template ids ("Queued email message (template 5f0c…)"): the reader gets the
 * template's name and version instead. Times in the sentence are rewritten in the viewer's zone when shown.
 */
export function outcomeWords(outcome: string, version: number | undefined, templates: PathTemplates): string {
  return outcome.replace(TEMPLATE_IN_TEXT, (_, id: string) => {
    const words = templateWords(id, version, templates);
    return words.startsWith("“") ? `template ${words}` : words;
  });
}

/** ISO timestamps inside the inputs (the trigger event's, a wait's) in the one date format, UTC named. */
function readableTimes(value: unknown): unknown {
  if (typeof value === "string") return formatTimesInText(value);
  if (Array.isArray(value)) return value.map(readableTimes);
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, readableTimes(v)]));
  return value;
}

/** The decision's inputs as shown: a template id becomes its name (the raw id helps nobody reading a path), times are formatted. */
function shownInputs(inputs: unknown, version: number | undefined, templates: PathTemplates): unknown {
  if (
    !inputs ||
    typeof inputs !== "object" ||
    Array.isArray(inputs) ||
    typeof (inputs as { templateId?: unknown }).templateId !== "string"
  )
    return readableTimes(inputs);
  const { templateId, ...rest } = inputs as { templateId: string } & Record<string, unknown>;
  return readableTimes({ template: templateWords(templateId, version, templates).replace(/[“”]/g, ""), ...rest });
}

/** The journeys a person is in or went through, newest first, each with the path they took and why. */
export function ProfileJourneys({
  slug,
  enrollments,
  templates = NO_TEMPLATES,
}: {
  slug: string;
  enrollments: ProfileEnrollment[];
  templates?: PathTemplates;
}) {
  if (!enrollments.length) {
    return (
      <EmptyState icon={Route} heading="Not in any journey yet.">
        <p>
          When this person enters a live journey, where they are and every step they took, with the reason for each
          decision, appear here.
        </p>
      </EmptyState>
    );
  }
  return (
    <ol className="space-y-4" data-testid="profile-journeys">
      {enrollments.map((enrollment) => (
        <li key={enrollment.enrollmentId}>
          <EnrollmentCard slug={slug} enrollment={enrollment} templates={templates} />
        </li>
      ))}
    </ol>
  );
}

function EnrollmentCard({
  slug,
  enrollment: e,
  templates,
}: {
  slug: string;
  enrollment: ProfileEnrollment;
  templates: PathTemplates;
}) {
  const status = STATUS[e.status];
  const inJourney = e.status === "ACTIVE" || e.status === "WAITING";
  const nodeLabel = (nodeId: string) => {
    const node = e.graph.nodes.find((n) => n.id === nodeId);
    return node ? node.label || typeTitle(node.type) : nodeId;
  };
  const headingId = `enrollment-${e.enrollmentId}`;

  return (
    <article
      aria-labelledby={headingId}
      className="rounded-lg ring-1 ring-stone-200"
      data-testid="enrollment"
      data-status={e.status}
      data-converted={e.conversion ? "yes" : "no"}
    >
      <header className="flex flex-wrap items-start justify-between gap-x-4 gap-y-1 border-b border-stone-100 px-4 py-3">
        <div className="flex min-w-0 flex-wrap items-center gap-2">
          <h3 id={headingId} className="truncate text-sm font-semibold text-stone-900">
            <Link href={`/w/${slug}/journeys/${e.journeyId}`} className="hover:text-brand-700 hover:underline">
              {e.journeyName}
            </Link>
          </h3>
          <span
            className="text-xs font-medium text-stone-500"
            title={`This person walks version ${e.version} of the journey`}
          >
            v{e.version}
          </span>
          <span title={status.title}>
            <Badge tone={status.tone}>{status.label}</Badge>
          </span>
          {/* Converted the way the journey's conversion count counts it (its Conversion row): also after the
              journey ended, within the goal's attribution window. */}
          {e.conversion?.afterLeaving ? (
            <span
              title={`Did the journey's goal (${quote(e.conversion.eventName)}) within its attribution window, after leaving the journey`}
              data-testid="enrollment-converted"
            >
              <Badge tone="brand">Converted</Badge>
            </span>
          ) : null}
        </div>
        <p className="text-xs text-stone-500">
          Entered <LocalTime iso={e.enteredAt} />
          {e.trigger.name ? <> on {quote(e.trigger.name)}</> : null}
          {e.endedAt ? (
            <>
              {" "}
              · Ended <LocalTime iso={e.endedAt} />
            </>
          ) : null}
          {e.conversion ? (
            <>
              {" "}
              · Converted <LocalTime iso={e.conversion.at} /> on {quote(e.conversion.eventName)}
              {e.conversion.revenue !== null ? <>, order value {formatMoney(e.conversion.revenue)}</> : null}
            </>
          ) : null}
        </p>
      </header>

      <div className="space-y-4 px-4 py-3">
        {e.waiting ? (
          <p
            className="flex items-start gap-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200 ring-inset"
            data-testid="enrollment-waiting"
          >
            <Hourglass className="mt-0.5 h-4 w-4 shrink-0" aria-hidden="true" />
            <span>
              Waiting at <strong className="font-semibold">{nodeLabel(e.currentNodeId)}</strong>
              {e.waiting.eventName ? (
                <>
                  {" "}
                  for <strong className="font-semibold">{quote(e.waiting.eventName)}</strong>
                  {e.waiting.matchProperty ? (
                    <>
                      {" "}
                      with <span className="font-mono text-xs">{e.waiting.matchProperty}</span> ={" "}
                      <span className="font-mono text-xs">{JSON.stringify(e.waiting.matchValue)}</span>
                    </>
                  ) : null}
                </>
              ) : null}
              {e.waiting.until ? (
                <>
                  {" "}
                  until <LocalTime iso={e.waiting.until} />
                  <Relative iso={e.waiting.until} />
                  {e.waiting.eventName ? ", when the wait times out" : null}
                </>
              ) : null}
              .
            </span>
          </p>
        ) : inJourney ? (
          <p className="text-sm text-stone-700">
            At <strong className="font-semibold">{nodeLabel(e.currentNodeId)}</strong>, being moved on.
          </p>
        ) : (
          <p className="text-sm text-stone-700">
            Ended at <strong className="font-semibold">{nodeLabel(e.currentNodeId)}</strong>
            {e.endReason ? (
              <>
                : <LocalTimesInText text={outcomeWords(e.endReason, undefined, templates)} />
              </>
            ) : (
              "."
            )}
          </p>
        )}

        {e.steps.length ? (
          <Path
            steps={e.steps}
            current={inJourney ? e.currentNodeId : null}
            failed={e.status === "FAILED"}
            templates={templates}
            versionOf={(nodeId) => templates.sentVersions[`${e.enrollmentId}:${nodeId}`]}
          />
        ) : (
          <p className="text-sm text-stone-500">No steps recorded yet.</p>
        )}

        {e.graph.nodes.length ? <PathMap enrollment={e} /> : null}
      </div>
    </article>
  );
}

/** The steps in the order they happened: what each was, when, the exit taken, and the decision. */
function Path({
  steps,
  current,
  failed,
  templates,
  versionOf,
}: {
  steps: EnrollmentStepView[];
  current: string | null;
  failed: boolean;
  templates: PathTemplates;
  versionOf: (nodeId: string) => number | undefined;
}) {
  return (
    <ol className="relative" aria-label="Path through the journey">
      {steps.map((step, index) => {
        const last = index === steps.length - 1;
        const here = last && step.leftAt === null && step.nodeId === current;
        const broke = last && failed;
        const title = step.label === step.nodeType ? typeTitle(step.nodeType) : step.label;
        return (
          <li
            key={`${step.nodeId}-${index}`}
            className="relative pb-4 pl-7 last:pb-0"
            data-testid="enrollment-step"
            data-node={step.nodeId}
          >
            {!last ? (
              <span className="absolute top-4 bottom-0 left-[5px] w-px bg-stone-200" aria-hidden="true" />
            ) : null}
            <span
              className={`absolute top-1.5 left-0 h-[11px] w-[11px] rounded-full ring-2 ring-white ${broke ? "bg-red-500" : here ? "bg-amber-400 motion-safe:animate-pulse" : "bg-brand-500"}`}
              aria-hidden="true"
            />
            <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-0.5">
              <p className="min-w-0 text-sm">
                <span className="font-medium text-stone-900">{title}</span>
                <span className="text-xs text-stone-500"> · {typeTitle(step.nodeType)}</span>
                {here ? <span className="ml-2 text-xs font-medium text-amber-700">here now</span> : null}
              </p>
              <p className="text-xs whitespace-nowrap text-stone-500">
                <LocalTime iso={step.enteredAt} seconds />
              </p>
            </div>
            {step.outcome || step.exit ? (
              <p className="mt-0.5 text-sm text-stone-700">
                {step.exit ? (
                  <span
                    className="mr-1.5 inline-flex items-center rounded bg-stone-100 px-1.5 py-px text-xs font-medium text-stone-700"
                    title={`Exit taken: ${step.exit}`}
                  >
                    → {step.exitLabel ?? "Next"}
                  </span>
                ) : null}
                <LocalTimesInText text={outcomeWords(step.outcome, versionOf(step.nodeId), templates)} />
              </p>
            ) : null}
            {hasInputs(step.inputs) ? (
              <details className="group mt-1">
                <summary className="inline-flex cursor-pointer list-none items-center gap-1 rounded text-xs font-medium text-brand-700 hover:underline [&::-webkit-details-marker]:hidden">
                  <ChevronRight className="h-3.5 w-3.5 transition-transform group-open:rotate-90" aria-hidden="true" />
                  <span className="group-open:hidden">Show what the decision looked at</span>
                  <span className="hidden group-open:inline">Hide what the decision looked at</span>
                  <span className="sr-only"> for {title}</span>
                </summary>
                <div className="mt-2">
                  <JsonBlock
                    label="Decision inputs"
                    value={shownInputs(step.inputs, versionOf(step.nodeId), templates)}
                  />
                </div>
              </details>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}

// ---- The path drawn on the version's graph, read-only, opened on demand (one React Flow per open card).

const MAP_SCALE = { x: 200 / 248, y: 0.55 };
const MAP_FIT = { padding: 0.15, maxZoom: 1 };
const PRO_OPTIONS = { hideAttribution: true };

function PathMap({ enrollment: e }: { enrollment: ProfileEnrollment }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="group" onToggle={(event) => setOpen((event.target as HTMLDetailsElement).open)}>
      <summary className="inline-flex cursor-pointer list-none items-center gap-1 rounded text-xs font-medium text-brand-700 hover:underline [&::-webkit-details-marker]:hidden">
        <ChevronRight className="h-3.5 w-3.5 transition-transform group-open:rotate-90" aria-hidden="true" />
        <span className="group-open:hidden">Show the path on the journey</span>
        <span className="hidden group-open:inline">Hide the journey map</span>
      </summary>
      {open ? <PathMapFlow enrollment={e} /> : null}
    </details>
  );
}

function PathMapFlow({ enrollment: e }: { enrollment: ProfileEnrollment }) {
  const { nodes, edges } = useMemo(() => {
    const visited = new Map(e.steps.map((s) => [s.nodeId, s]));
    const current = e.status === "ACTIVE" || e.status === "WAITING" ? e.currentNodeId : null;
    const nodes: Node[] = e.graph.nodes.map((n) => {
      const tone =
        n.id === current
          ? "!border-amber-400 !bg-amber-50 !text-amber-900"
          : visited.has(n.id)
            ? "!border-brand-500 !bg-brand-50 !text-brand-900"
            : "!border-dashed !border-stone-300 !bg-white !text-stone-400";
      return {
        id: n.id,
        // The canvas's nodes are 248 px wide and about 100 tall; these are smaller, so the layout shrinks with them.
        position: { x: n.position.x * MAP_SCALE.x, y: n.position.y * MAP_SCALE.y },
        data: { label: n.label || typeTitle(n.type) },
        draggable: false,
        connectable: false,
        selectable: false,
        className: `!w-[200px] !rounded-lg !border-2 !px-2 !py-1.5 !text-xs !leading-tight !font-medium !shadow-none ${tone}`,
      };
    });
    const edges: Edge[] = e.graph.edges.map((edge) => {
      const from = visited.get(edge.source);
      const taken = !!from && visited.has(edge.target) && (from.exit ?? "next") === (edge.branch ?? "next");
      return {
        id: edge.id,
        source: edge.source,
        target: edge.target,
        type: "smoothstep",
        markerEnd: { type: MarkerType.ArrowClosed, width: 14, height: 14, color: taken ? "#157d6d" : "#d6d3d1" },
        style: taken ? { stroke: "#157d6d", strokeWidth: 2 } : { stroke: "#d6d3d1" },
      };
    });
    return { nodes, edges };
  }, [e]);

  return (
    <>
      <div
        className="mt-2 h-80 overflow-hidden rounded-md bg-stone-50 ring-1 ring-stone-200"
        role="img"
        aria-label={`Map of ${e.journeyName} v${e.version}; the steps this person visited are highlighted`}
      >
        <ReactFlow
          nodes={nodes}
          edges={edges}
          fitView
          fitViewOptions={MAP_FIT}
          minZoom={0.2}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          nodesFocusable={false}
          edgesFocusable={false}
          zoomOnScroll={false}
          preventScrolling={false}
          proOptions={PRO_OPTIONS}
          className="[&_.react-flow\_\_handle]:!opacity-0"
        >
          <Background variant={BackgroundVariant.Dots} gap={16} size={1} color="#e7e5e4" />
        </ReactFlow>
      </div>
      <p className="mt-1.5 flex flex-wrap gap-x-4 gap-y-1 text-xs text-stone-500" aria-hidden="true">
        <span className="inline-flex items-center gap-1.5">
          <span className="h-2.5 w-2.5 rounded-sm border-2 border-brand-500 bg-brand-50" /> visited
        </span>
        <span className="inline-flex items-center gap-1.5">
          <span className="h-2.5 w-2.5 rounded-sm border-2 border-amber-400 bg-amber-50" /> here now
        </span>
        <span className="inline-flex items-center gap-1.5">
          <span className="h-2.5 w-2.5 rounded-sm border-2 border-dashed border-stone-300 bg-white" /> not reached
        </span>
      </p>
    </>
  );
}
