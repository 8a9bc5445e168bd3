"use client";

import { Ban, FolderPlus, Plus, Trash2, Undo2, X } from "lucide-react";
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import { Button } from "../ui/button";
import { plural } from "../ui/format";
import { MiniInput, MiniSelect, Segmented } from "./controls";
import { PredictionFields, PredictionSentence } from "./prediction-condition";
import {
  CHANNEL_LABELS,
  COUNT_LABELS,
  COUNT_OPERATORS,
  DATE_LABELS,
  DATE_OPERATORS,
  KIND_TITLES,
  LEAF_KINDS,
  MAX_CONDITIONS,
  MAX_DEPTH,
  OPERATOR_LABELS,
  OPERATORS,
  REACHABLE_CHANNELS,
  convertValue,
  describe,
  errorsAt,
  levelOf,
  newCondition,
  parseNumber,
  parseValue,
  pathText,
  traitOperatorsFor,
  valueInputFor,
  valueText,
  type Draft,
  type LeafKind,
  type TraitOperator,
  type TreePath,
} from "./model";

/**
 * The AND / OR / NOT tree as nested cards. Editable (the builder) or read-only (the segment page, and
 * viewers), with each condition's fields in one row and the API's errors shown at the field they name.
 */

export interface EventOption {
  name: string;
  properties: string[];
}
export interface TraitOption {
  name: string;
  types?: string[];
}
export interface SegmentOption {
  id: string;
  name: string;
}

interface TreeContext {
  readOnly: boolean;
  errors: Record<string, string>;
  events: EventOption[];
  traits: TraitOption[];
  segments: SegmentOption[];
  /** replace the condition at a path, or remove it (undefined) */
  update: (path: TreePath, next: Draft | undefined) => void;
}

const Ctx = createContext<TreeContext>({
  readOnly: true,
  errors: {},
  events: [],
  traits: [],
  segments: [],
  update: () => undefined,
});

export function ConditionTree({
  root,
  readOnly,
  errors = {},
  events = [],
  traits = [],
  segments = [],
  update = () => undefined,
}: {
  root: Draft;
  readOnly: boolean;
  errors?: Record<string, string>;
  events?: EventOption[];
  traits?: TraitOption[];
  segments?: SegmentOption[];
  update?: (path: TreePath, next: Draft | undefined) => void;
}) {
  return (
    <Ctx.Provider value={{ readOnly, errors, events, traits, segments, update }}>
      <GroupCard path={[]} group={root} />
    </Ctx.Provider>
  );
}

const MATCH = [
  { value: "all" as const, label: "All of these (AND)" },
  { value: "any" as const, label: "Any of these (OR)" },
];

function GroupCard({ path, group }: { path: TreePath; group: Draft }) {
  const { readOnly, errors, update } = useContext(Ctx);
  const isRoot = path.length === 0;
  const conditions = (group.conditions as Draft[] | undefined) ?? [];
  const match = group.match === "any" ? "any" : "all";
  const mine = errorsAt(errors, pathText(path));
  const canNest = levelOf(path) < MAX_DEPTH;
  const full = conditions.length >= MAX_CONDITIONS;
  const add = (c: Draft) => update(path, { ...group, conditions: [...conditions, c] });
  const joiner = match === "all" ? "AND" : "OR";

  return (
    <div
      className={`rounded-xl ${isRoot ? "" : "bg-stone-50/70 p-3 ring-1 ring-stone-200"}`}
      data-testid={isRoot ? "condition-root" : "condition-group"}
      data-path={pathText(path)}
      role="group"
      aria-label={
        isRoot
          ? "Who is in the segment"
          : `Group: ${match === "all" ? "all" : "any"} of ${plural(conditions.length, "condition")}`
      }
    >
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <div className="flex items-center gap-2 text-sm text-stone-700">
          {readOnly ? (
            <span className="font-medium">
              {isRoot ? "People who match " : "Match "}
              <strong className="font-semibold text-stone-900">{match === "all" ? "all" : "any"}</strong> of these:
            </span>
          ) : (
            <>
              <span className="font-medium">{isRoot ? "People who match" : "Match"}</span>
              <Segmented
                label={isRoot ? "Match" : "Group match"}
                value={match}
                options={MATCH}
                onChange={(m) => update(path, { ...group, match: m })}
              />
            </>
          )}
        </div>
        {!readOnly && !isRoot ? <ConditionActions path={path} condition={group} /> : null}
      </div>
      <FieldErrors errors={mine} />
      {conditions.length === 0 ? (
        <p className="rounded-lg border border-dashed border-stone-300 bg-white px-4 py-5 text-center text-sm text-stone-500">
          {readOnly
            ? "No conditions."
            : isRoot
              ? "Add a condition: what people did, didn't do, or who they are."
              : "An empty group: add a condition to it."}
        </p>
      ) : (
        <ol className="space-y-0">
          {conditions.map((c, i) => (
            <li key={i}>
              {i > 0 ? (
                <div className="flex items-center gap-2 py-1.5 pl-4" aria-hidden="true">
                  <span className="h-4 border-l-2 border-stone-200" />
                  <span
                    className={`rounded px-1.5 py-0.5 text-[10px] font-bold tracking-wider ${match === "all" ? "bg-brand-50 text-brand-800" : "bg-amber-50 text-amber-800"}`}
                  >
                    {joiner}
                  </span>
                </div>
              ) : null}
              <ConditionCard path={[...path, "conditions", i]} condition={c} />
            </li>
          ))}
        </ol>
      )}
      {readOnly ? null : (
        <div className="mt-3 flex flex-wrap items-center gap-2">
          <AddConditionMenu
            onAdd={(kind) => add(newCondition(kind))}
            disabled={full}
            label={isRoot ? "Add condition" : "Add condition to group"}
          />
          <Button
            variant="ghost"
            className="px-2.5 py-1.5 text-xs"
            onClick={() => add({ ...newCondition("group"), conditions: [newCondition("event_count")] })}
            disabled={!canNest || full}
            title={canNest ? undefined : `Groups nest at most ${MAX_DEPTH} levels deep`}
          >
            <FolderPlus className="h-3.5 w-3.5" aria-hidden="true" />
            Add group
          </Button>
        </div>
      )}
    </div>
  );
}

function ConditionCard({ path, condition }: { path: TreePath; condition: Draft }) {
  if (condition.kind === "group") return <GroupCard path={path} group={condition} />;
  if (condition.kind === "not") return <NotCard path={path} not={condition} />;
  return <LeafCard path={path} condition={condition} />;
}

function NotCard({ path, not }: { path: TreePath; not: Draft }) {
  const { readOnly, errors } = useContext(Ctx);
  const inner = not.condition as Draft | undefined;
  return (
    <div
      className="rounded-xl bg-red-50/40 p-3 ring-1 ring-red-200"
      data-testid="condition-not"
      data-path={pathText(path)}
      role="group"
      aria-label="Not"
    >
      <div className="mb-2 flex items-center justify-between gap-2">
        <span className="inline-flex items-center gap-1.5 text-xs font-bold tracking-wider text-red-800">
          <Ban className="h-3.5 w-3.5" aria-hidden="true" /> NOT
          <span className="font-normal tracking-normal text-red-800/80">— people for whom this is false</span>
        </span>
        {readOnly ? null : <ConditionActions path={path} condition={not} />}
      </div>
      <FieldErrors errors={errorsAt(errors, pathText(path))} />
      {inner ? <ConditionCard path={[...path, "condition"]} condition={inner} /> : null}
    </div>
  );
}

/** Wrap in NOT / unwrap, and remove (the root group has neither). */
function ConditionActions({ path, condition }: { path: TreePath; condition: Draft }) {
  const { update } = useContext(Ctx);
  // a NOT's own condition is not wrapped again (NOT NOT): "Remove NOT" on the NOT undoes it
  const canWrap = condition.kind !== "not" && path[path.length - 1] !== "condition";
  return (
    <div className="flex items-center gap-0.5">
      {condition.kind === "not" ? (
        <Button
          variant="ghost"
          className="px-2 py-1 text-xs"
          onClick={() => update(path, condition.condition as Draft)}
        >
          <Undo2 className="h-3.5 w-3.5" aria-hidden="true" />
          Remove NOT
        </Button>
      ) : canWrap ? (
        <Button variant="ghost" className="px-2 py-1 text-xs" onClick={() => update(path, { kind: "not", condition })}>
          <Ban className="h-3.5 w-3.5" aria-hidden="true" />
          Wrap in NOT
        </Button>
      ) : null}
      <Button
        variant="ghost"
        className="px-2 py-1 text-xs text-red-700 hover:bg-red-50 hover:text-red-800"
        onClick={() => update(path, undefined)}
        aria-label={`Remove ${condition.kind === "group" ? "group" : condition.kind === "not" ? "NOT and its condition" : "condition"}`}
      >
        <Trash2 className="h-3.5 w-3.5" aria-hidden="true" />
        Remove
      </Button>
    </div>
  );
}

function AddConditionMenu({
  onAdd,
  disabled,
  label,
}: {
  onAdd: (kind: LeafKind) => void;
  disabled?: boolean;
  label: string;
}) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === "Escape" : !ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, [open]);
  return (
    <div className="relative" ref={ref}>
      <Button
        variant="secondary"
        className="px-2.5 py-1.5 text-xs"
        onClick={() => setOpen((o) => !o)}
        aria-haspopup="menu"
        aria-expanded={open}
        disabled={disabled}
      >
        <Plus className="h-3.5 w-3.5" aria-hidden="true" />
        {label}
      </Button>
      {open ? (
        <div
          role="menu"
          aria-label="Condition kinds"
          className="absolute left-0 z-30 mt-1 w-72 rounded-lg bg-white py-1 shadow-lg ring-1 ring-stone-200"
        >
          {LEAF_KINDS.map((k) => (
            <button
              key={k.kind}
              type="button"
              role="menuitem"
              onClick={() => {
                setOpen(false);
                onAdd(k.kind);
              }}
              className="block w-full px-3 py-2 text-left hover:bg-stone-50 focus:bg-stone-50 focus:outline-none"
            >
              <span className="block text-sm font-medium text-stone-900">{k.label}</span>
              <span className="block text-xs text-stone-500">{k.hint}</span>
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}

/** Errors the condition's fields don't show themselves (the condition as a whole, or a field the API added). */
function FieldErrors({ errors, shown }: { errors: Record<string, string>; shown?: (field: string) => boolean }) {
  const rest = Object.entries(errors).filter(([field]) => !shown?.(field));
  if (!rest.length) return null;
  return (
    <ul
      className="mb-2 space-y-0.5 rounded-md bg-red-50 px-3 py-2 text-xs text-red-800 ring-1 ring-red-200"
      data-testid="condition-error"
    >
      {rest.map(([field, message]) => (
        <li key={field}>{field ? `${field}: ${message}` : message}</li>
      ))}
    </ul>
  );
}

function LeafCard({ path, condition }: { path: TreePath; condition: Draft }) {
  const { readOnly, errors, segments } = useContext(Ctx);
  const segmentName = (id: string) =>
    segments.find((s) => s.id === id)?.name ?? (id ? `unknown segment ${id}` : "(none chosen)");
  const mine = errorsAt(errors, pathText(path));
  return (
    <div
      className="rounded-lg bg-white p-3 shadow-sm ring-1 ring-stone-200"
      data-testid="condition"
      data-kind={condition.kind}
      data-path={pathText(path)}
      role="group"
      aria-label={KIND_TITLES[condition.kind] ?? condition.kind}
    >
      {readOnly ? (
        <p className="text-sm text-stone-800" data-testid="condition-text">
          {condition.kind === "prediction" ? <PredictionSentence c={condition} /> : describe(condition, segmentName)}
        </p>
      ) : (
        <>
          <div className="mb-2 flex items-center justify-between gap-2">
            <span className="text-xs font-semibold tracking-wide text-stone-500 uppercase">
              {KIND_TITLES[condition.kind] ?? condition.kind}
            </span>
            <ConditionActions path={path} condition={condition} />
          </div>
          <LeafFields path={path} c={condition} errors={mine} />
        </>
      )}
    </div>
  );
}

/** The fields a condition kind needs, and which of its error paths they show. */
function LeafFields({ path, c, errors }: { path: TreePath; c: Draft; errors: Record<string, string> }) {
  const { update } = useContext(Ctx);
  const set = (patch: Record<string, unknown>) => {
    const next: Draft = { ...c, ...patch };
    for (const [k, v] of Object.entries(patch)) if (v === undefined) delete next[k];
    update(path, next);
  };
  const err = (field: string) => errors[field];
  let body: ReactNode;
  switch (c.kind) {
    case "trait":
      body = <TraitFields c={c} set={set} err={err} />;
      break;
    case "event_count":
      body = <EventCountFields c={c} set={set} err={err} />;
      break;
    case "not_performed":
      body = <NotPerformedFields c={c} set={set} err={err} />;
      break;
    case "event_time":
      body = <EventTimeFields c={c} set={set} err={err} />;
      break;
    case "segment":
      body = <SegmentFields c={c} set={set} err={err} />;
      break;
    case "prediction":
      body = <PredictionFields c={c} set={set} err={err} />;
      break;
    case "reachable":
      body = (
        <Row>
          <MiniSelect
            label="Channel"
            value={String(c.channel ?? "email")}
            onChange={(e) => set({ channel: e.target.value })}
            error={err("channel")}
            width="w-96"
          >
            {REACHABLE_CHANNELS.map((ch) => (
              <option key={ch} value={ch}>
                {CHANNEL_LABELS[ch]}
              </option>
            ))}
          </MiniSelect>
        </Row>
      );
      break;
    default:
      body = <p className="text-sm text-stone-600">{describe(c)}</p>;
  }
  return (
    <>
      {body}
      <FieldErrors errors={errors} shown={(field) => showsField(c.kind, field)} />
    </>
  );
}

const FIELDS: Record<string, string[]> = {
  trait: ["trait", "operator", "value"],
  event_count: ["event", "operator", "count", "withinDays"],
  not_performed: ["event", "withinDays"],
  event_time: ["which", "event", "operator", "value"],
  segment: ["member", "segmentId"],
  reachable: ["channel"],
  prediction: ["predictionId", "test", "test.kind", "test.tiers", "test.operator", "test.value"],
};

/** Whether a condition's fields show an error at this field themselves (else it is listed under them). */
function showsField(kind: string, field: string): boolean {
  if (
    (kind === "event_count" || kind === "not_performed") &&
    /^filters(\.\d+(\.(property|operator|value))?)?$/.test(field)
  )
    return true;
  return FIELDS[kind]?.includes(field) ?? false;
}

type FieldsProps = {
  c: Draft;
  set: (patch: Record<string, unknown>) => void;
  err: (field: string) => string | undefined;
};

const Row = ({ children }: { children: ReactNode }) => (
  <div className="flex flex-wrap items-start gap-2">{children}</div>
);
const Words = ({ children }: { children: ReactNode }) => (
  <span className="pt-7 text-sm text-stone-600">{children}</span>
);

function useEventNames() {
  const { events } = useContext(Ctx);
  return events.map((e) => e.name);
}

function TraitFields({ c, set, err }: FieldsProps) {
  const { traits } = useContext(Ctx);
  const operator = String(c.operator ?? "equals");
  // Only the operators that fit the types the trait was seen with (every one for a trait not seen yet).
  const fitsFor = (trait: unknown) =>
    traitOperatorsFor(traits.find((t) => t.name === String(trait ?? "").trim())?.types);
  const fitting = fitsFor(c.trait);
  // A saved operator that no longer fits what was observed stays visible rather than silently changing.
  const offered: readonly string[] = fitting.includes(operator as TraitOperator) ? fitting : [operator, ...fitting];
  const pickTrait = (trait: string) => {
    const fits = fitsFor(trait);
    if (fits.includes(operator as TraitOperator)) return set({ trait });
    // the first comparison that fits (presence fits everything, so it is what is left)
    const next = fits.find((o) => o !== "exists" && o !== "not_exists") ?? fits[0];
    set({ trait, operator: next, value: convertValue(operator, next, c.value) });
  };
  return (
    <Row>
      <MiniInput
        label="Trait"
        placeholder="e.g. plan"
        value={String(c.trait ?? "")}
        onChange={(e) => pickTrait(e.target.value)}
        error={err("trait")}
        suggestions={traits.map((t) => t.name)}
        width="w-48"
      />
      <MiniSelect
        label="Operator"
        value={operator}
        onChange={(e) => set({ operator: e.target.value, value: convertValue(operator, e.target.value, c.value) })}
        error={err("operator")}
        width="w-52"
      >
        {offered.map((o) => (
          <option key={o} value={o}>
            {OPERATOR_LABELS[o as TraitOperator] ?? o}
          </option>
        ))}
      </MiniSelect>
      <ValueInput operator={operator} value={c.value} onChange={(value) => set({ value })} error={err("value")} />
    </Row>
  );
}

/** The value input an operator needs: none, text, a number, a comma list, a date, or days. */
function ValueInput({
  operator,
  value,
  onChange,
  error,
}: {
  operator: string;
  value: unknown;
  onChange: (v: unknown) => void;
  error?: string;
}) {
  switch (valueInputFor(operator)) {
    case "none":
      return null;
    case "number":
      return (
        <MiniInput
          label="Number"
          type="number"
          value={valueText(value)}
          onChange={(e) => onChange(parseValue(operator, e.target.value))}
          error={error}
          width="w-32"
        />
      );
    case "list":
      return (
        <MiniInput
          label="Values (comma-separated)"
          value={valueText(value)}
          onChange={(e) => onChange(parseValue(operator, e.target.value))}
          error={error}
          width="w-64"
          placeholder="pro, team"
        />
      );
    case "date":
      return (
        <MiniInput
          label="Date"
          type="date"
          value={valueText(value).slice(0, 10)}
          onChange={(e) => onChange(e.target.value)}
          error={error}
          width="w-44"
        />
      );
    case "days":
      return (
        <>
          <MiniInput
            label="Days"
            type="number"
            min={1}
            value={valueText(value)}
            onChange={(e) => onChange(parseNumber(e.target.value))}
            error={error}
            width="w-24"
          />
          <Words>days</Words>
        </>
      );
    default:
      return (
        <MiniInput
          label="Value"
          value={valueText(value)}
          onChange={(e) => onChange(parseValue(operator, e.target.value))}
          error={error}
          width="w-48"
        />
      );
  }
}

function EventField({ c, set, err }: FieldsProps) {
  const names = useEventNames();
  return (
    <MiniInput
      label="Event"
      placeholder="e.g. Product Viewed"
      value={String(c.event ?? "")}
      onChange={(e) => set({ event: e.target.value })}
      error={err("event")}
      suggestions={names}
      width="w-48"
    />
  );
}

function WindowFields({ c, set, err, allowEver }: FieldsProps & { allowEver: boolean }) {
  const ever = c.withinDays === undefined;
  return (
    <>
      {allowEver ? (
        <MiniSelect
          label="When"
          value={ever ? "ever" : "last"}
          onChange={(e) => set({ withinDays: e.target.value === "ever" ? undefined : 30 })}
          width="w-32"
        >
          <option value="last">in the last</option>
          <option value="ever">ever</option>
        </MiniSelect>
      ) : (
        <Words>in the last</Words>
      )}
      {ever && allowEver ? null : (
        <>
          <MiniInput
            label="Days"
            type="number"
            min={1}
            value={valueText(c.withinDays)}
            onChange={(e) => set({ withinDays: parseNumber(e.target.value) })}
            error={err("withinDays")}
            width="w-20"
          />
          <Words>days</Words>
        </>
      )}
    </>
  );
}

function EventCountFields({ c, set, err }: FieldsProps) {
  return (
    <div className="space-y-2">
      <Row>
        <EventField c={c} set={set} err={err} />
        <MiniSelect
          label="How often"
          value={String(c.operator ?? "at_least")}
          onChange={(e) => set({ operator: e.target.value })}
          error={err("operator")}
          width="w-28"
        >
          {COUNT_OPERATORS.map((o) => (
            <option key={o} value={o}>
              {COUNT_LABELS[o]}
            </option>
          ))}
        </MiniSelect>
        <MiniInput
          label="Times"
          type="number"
          min={0}
          value={valueText(c.count)}
          onChange={(e) => set({ count: parseNumber(e.target.value) })}
          error={err("count")}
          width="w-20"
        />
        <Words>times</Words>
        <WindowFields c={c} set={set} err={err} allowEver />
      </Row>
      <PropertyFilters c={c} set={set} err={err} />
    </div>
  );
}

function NotPerformedFields({ c, set, err }: FieldsProps) {
  return (
    <div className="space-y-2">
      <Row>
        <EventField c={c} set={set} err={err} />
        <WindowFields c={c} set={set} err={err} allowEver={false} />
      </Row>
      <PropertyFilters c={c} set={set} err={err} />
    </div>
  );
}

function EventTimeFields({ c, set, err }: FieldsProps) {
  const operator = String(c.operator ?? "within_last_days");
  return (
    <Row>
      <MiniSelect
        label="The"
        value={c.which === "first" ? "first" : "last"}
        onChange={(e) => set({ which: e.target.value })}
        error={err("which")}
        width="w-28"
      >
        <option value="first">first time</option>
        <option value="last">last time</option>
      </MiniSelect>
      <Words>they did</Words>
      <EventField c={c} set={set} err={err} />
      <MiniSelect
        label="Was"
        value={operator}
        onChange={(e) => set({ operator: e.target.value, value: convertValue(operator, e.target.value, c.value) })}
        error={err("operator")}
        width="w-40"
      >
        {DATE_OPERATORS.map((o) => (
          <option key={o} value={o}>
            {DATE_LABELS[o]}
          </option>
        ))}
      </MiniSelect>
      <ValueInput operator={operator} value={c.value} onChange={(value) => set({ value })} error={err("value")} />
    </Row>
  );
}

function SegmentFields({ c, set, err }: FieldsProps) {
  const { segments } = useContext(Ctx);
  const id = String(c.segmentId ?? "");
  const known = segments.some((s) => s.id === id);
  return (
    <Row>
      <MiniSelect
        label="Membership"
        value={c.member === false ? "out" : "in"}
        onChange={(e) => set({ member: e.target.value === "in" })}
        error={err("member")}
        width="w-32"
      >
        <option value="in">is in</option>
        <option value="out">is not in</option>
      </MiniSelect>
      <MiniSelect
        label="Segment"
        value={id}
        onChange={(e) => set({ segmentId: e.target.value })}
        error={err("segmentId")}
        width="w-72"
      >
        <option value="">{segments.length ? "Choose a segment" : "No other segments yet"}</option>
        {id && !known ? <option value={id}>Unknown segment ({id})</option> : null}
        {segments.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </MiniSelect>
    </Row>
  );
}

/** "where <property> <operator> <value>", for the event conditions; property names from the event catalog. */
function PropertyFilters({ c, set, err }: FieldsProps) {
  const { events } = useContext(Ctx);
  const filters = (Array.isArray(c.filters) ? c.filters : []) as Record<string, unknown>[];
  const properties = events.find((e) => e.name === c.event)?.properties ?? [];
  const setFilter = (i: number, f: Record<string, unknown> | undefined) =>
    set({ filters: f ? filters.map((x, j) => (j === i ? f : x)) : filters.filter((_, j) => j !== i) });
  return (
    <div className="space-y-2">
      {filters.map((f, i) => {
        const operator = String(f.operator ?? "equals");
        return (
          <div
            key={i}
            className="flex flex-wrap items-start gap-2 border-l-2 border-stone-200 pl-3"
            data-testid="property-filter"
          >
            <Words>{i === 0 ? "where" : "and"}</Words>
            <MiniInput
              label="Property"
              value={String(f.property ?? "")}
              onChange={(e) => setFilter(i, { ...f, property: e.target.value })}
              error={err(`filters.${i}.property`)}
              suggestions={properties}
              width="w-40"
            />
            <MiniSelect
              label="Operator"
              value={operator}
              onChange={(e) => {
                const value = convertValue(operator, e.target.value, f.value);
                const next: Record<string, unknown> = { ...f, operator: e.target.value, value };
                if (value === undefined) delete next.value;
                setFilter(i, next);
              }}
              error={err(`filters.${i}.operator`)}
              width="w-44"
            >
              {OPERATORS.map((o) => (
                <option key={o} value={o}>
                  {OPERATOR_LABELS[o]}
                </option>
              ))}
            </MiniSelect>
            <ValueInput
              operator={operator}
              value={f.value}
              onChange={(value) => {
                const next: Record<string, unknown> = { ...f, value };
                if (value === undefined) delete next.value;
                setFilter(i, next);
              }}
              error={err(`filters.${i}.value`) ?? err(`filters.${i}`)}
            />
            <Button
              variant="ghost"
              className="mt-5 px-2 py-1.5"
              aria-label={`Remove filter ${i + 1}`}
              onClick={() => setFilter(i, undefined)}
            >
              <X className="h-3.5 w-3.5" aria-hidden="true" />
            </Button>
          </div>
        );
      })}
      {err("filters") ? <p className="text-xs text-red-700">{err("filters")}</p> : null}
      {filters.length < 10 ? (
        <button
          type="button"
          onClick={() => set({ filters: [...filters, { property: "", operator: "equals", value: "" }] })}
          className="text-xs font-medium text-brand-700 hover:underline"
        >
          + Add property filter
        </button>
      ) : null}
    </div>
  );
}
