"use client";

import { useStore } from "@xyflow/react";
import { useParams } from "next/navigation";
import { useEffect, useId, useMemo, useState, type InputHTMLAttributes, type ReactNode } from "react";
import { closestName, unknownEventWarning } from "@/lib/journeys/event-name-suggestions";
import type { TJourneySettings } from "@/lib/journeys/graph";
import { journeyWarnings, type JourneyProblem } from "@/lib/journeys/validate";
import { api } from "../api/client";
import { TextField } from "../ui/field";

/**
 * The journey inspector's event and property fields: suggestions from the workspace's event catalog (the
 * names that have arrived, and the property keys seen on each, GET /api/workspaces/:slug/events/names, the
 * same catalog the segment builder suggests from) and a warning under a name never seen, with the closest
 * catalog name to use instead. Warnings never block anything (a new app may publish before its first event).
 */
export interface CatalogEvent {
  name: string;
  properties: string[];
}

// One request per workspace while the editor is open, shared by every field; refreshed after a minute so
// events that arrive while someone edits stop being flagged.
const catalogs = new Map<string, { at: number; promise: Promise<CatalogEvent[] | null> }>();
const FRESH_MS = 60_000;

function loadCatalog(slug: string): Promise<CatalogEvent[] | null> {
  const cached = catalogs.get(slug);
  if (cached && Date.now() - cached.at < FRESH_MS) return cached.promise;
  const promise = api.events
    .names(slug)
    .then((result): CatalogEvent[] | null => (result.ok ? (result.data?.events ?? []) : null));
  catalogs.set(slug, { at: Date.now(), promise });
  return promise;
}

/** The catalog, or null while it loads or when it cannot be read (then no name is flagged). */
export function useEventCatalog(): CatalogEvent[] | null {
  const { slug } = useParams<{ slug: string }>();
  const [catalog, setCatalog] = useState<CatalogEvent[] | null>(null);
  useEffect(() => {
    let cancelled = false;
    void loadCatalog(slug).then((c) => !cancelled && setCatalog(c));
    return () => {
      cancelled = true;
    };
  }, [slug]);
  return catalog;
}

type FieldProps = {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  hint?: string;
} & Omit<InputHTMLAttributes<HTMLInputElement>, "value" | "onChange">;

function SuggestedField({ suggestions, onChange, ...props }: FieldProps & { suggestions: string[] }) {
  const listId = useId();
  return (
    <>
      <TextField
        {...props}
        onChange={(e) => onChange(e.target.value)}
        list={suggestions.length ? listId : undefined}
        autoComplete="off"
      />
      {suggestions.length ? (
        <datalist id={listId}>
          {suggestions.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      ) : null}
    </>
  );
}

export function Warning({ children, testId = "inspector-warning" }: { children: ReactNode; testId?: string }) {
  return (
    <p className="rounded-md bg-amber-50 px-2.5 py-2 text-xs text-amber-900 ring-1 ring-amber-200" data-testid={testId}>
      {children}
    </p>
  );
}

/** An event name: the catalog's names offered while typing; a name never seen is flagged with the closest one. */
export function EventNameField(props: FieldProps) {
  const catalog = useEventCatalog();
  const names = useMemo(() => catalog?.map((e) => e.name) ?? [], [catalog]);
  const warning = catalog && props.value.trim() ? unknownEventWarning(props.value, names) : null;
  const suggestion = warning ? closestName(props.value, names) : null;
  return (
    <div className="space-y-1.5">
      <SuggestedField {...props} suggestions={names} />
      {warning ? (
        <Warning testId="event-name-warning">
          {warning[0].toUpperCase() + warning.slice(1)}
          {suggestion && !props.disabled ? (
            <>
              {" "}
              <button type="button" className="font-semibold underline" onClick={() => props.onChange(suggestion)}>
                Use {suggestion}
              </button>
            </>
          ) : null}
        </Warning>
      ) : null}
    </div>
  );
}

/** A property name: the keys the catalog has seen on `eventName` (every event's when none is given). */
export function PropertyNameField({ eventName, ...props }: FieldProps & { eventName?: string }) {
  const catalog = useEventCatalog();
  const suggestions = useMemo(() => {
    if (!catalog) return [];
    const events = eventName ? catalog.filter((e) => e.name === eventName) : catalog;
    return [...new Set(events.flatMap((e) => e.properties))].sort();
  }, [catalog, eventName]);
  return <SuggestedField {...props} suggestions={suggestions} />;
}

/**
 * The canvas's steps as the warnings need them (type, label, config), read from React Flow's store as one
 * string so that dragging (positions only) does not re-render the inspector.
 */
export function useCanvasSteps(): { id: string; type: string; label?: string; config: Record<string, unknown> }[] {
  const json = useStore((s) =>
    JSON.stringify(s.nodes.map((n) => ({ id: n.id, type: n.data.type, label: n.data.label, config: n.data.config }))),
  );
  return useMemo(() => JSON.parse(json), [json]);
}

/** The trigger event's name (conditions and waits compare with its properties), when the trigger is an event. */
export function useTriggerEventName(): string | undefined {
  const steps = useCanvasSteps();
  const trigger = steps.find((s) => s.type === "trigger.event");
  return typeof trigger?.config.eventName === "string" ? trigger.config.eventName : undefined;
}

/**
 * Waits that can never take "arrived" because their event is also a goal's or an exit event (journeyWarnings,
 * lib/journeys/validate.ts). Without the journey settings (the step inspector), only goal steps are compared.
 */
export function useWaitWarnings(settings?: TJourneySettings): JourneyProblem[] {
  const steps = useCanvasSteps();
  return useMemo(() => journeyWarnings({ nodes: steps, settings: settings ?? null }), [steps, settings]);
}

/** The exit events (typed as one comma-separated list): each name never seen, with the closest catalog name. */
export function ExitEventWarnings({ names }: { names: string[] }) {
  const catalog = useEventCatalog();
  if (!catalog) return null;
  const known = catalog.map((e) => e.name);
  const warnings = names.map((n) => unknownEventWarning(n, known)).filter((w): w is string => w !== null);
  return warnings.map((w, i) => (
    <Warning key={i} testId="event-name-warning">
      {w[0].toUpperCase() + w.slice(1)}
    </Warning>
  ));
}
