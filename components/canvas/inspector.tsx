"use client";

import { FlaskConical, Plus, Trash2 } from "lucide-react";
import Link from "next/link";
import { useParams } from "next/navigation";
import { memo, useEffect, useId, useState, type ReactNode } from "react";
import type { TemplateSummary } from "@/lib/messaging/templates";
import { OPERATORS, type NodeType, type Operator, type TJourneySettings } from "@/lib/journeys/graph";
import type { JourneyProblem } from "@/lib/journeys/validate";
import { fromWallTime, toWallTime } from "@/lib/engine/schedule";
import { isValidTimeZone } from "@/lib/engine/time";
import { Button } from "../ui/button";
import { SelectField, TextField } from "../ui/field";
import {
  EventNameField,
  ExitEventWarnings,
  PropertyNameField,
  useCanvasSteps,
  useTriggerEventName,
  useWaitWarnings,
  Warning,
} from "./event-fields";
import { NODE_META, TEMPLATE_CHANNEL, fieldName, scheduleHint } from "./node-meta";

type Config = Record<string, unknown>;
type Errors = (path: string) => string | undefined;

const UNITS = ["minutes", "hours", "days", "weeks"] as const;
const OPERATOR_LABELS: Record<Operator, string> = {
  equals: "equals",
  not_equals: "does not equal",
  contains: "contains",
  not_contains: "does not contain",
  gt: "is greater than",
  gte: "is at least",
  lt: "is less than",
  lte: "is at most",
  exists: "exists",
  not_exists: "does not exist",
  in: "is one of",
  not_in: "is not one of",
};

/** IANA zones the browser knows, offered while typing the schedule's time zone. */
const TIME_ZONES: string[] = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];

/** Immutable set at a path of plain objects and arrays. */
function setIn<T>(target: T, path: (string | number)[], value: unknown): T {
  if (!path.length) return value as T;
  const [head, ...rest] = path;
  const base = (Array.isArray(target) ? [...target] : { ...(target as object) }) as Record<string | number, unknown>;
  const next = setIn(base[head] ?? (typeof rest[0] === "number" ? [] : {}), rest, value);
  if (next === undefined) delete base[head];
  else base[head] = next;
  return base as T;
}

/** The text of a comparison value, and back, typed by the operator. */
function valueText(value: unknown): string {
  if (value === undefined || value === null) return "";
  return Array.isArray(value) ? value.join(", ") : String(value);
}
function parseValue(operator: Operator, text: string): unknown {
  if (operator === "exists" || operator === "not_exists") return undefined;
  if (["gt", "gte", "lt", "lte"].includes(operator))
    return text.trim() === "" || Number.isNaN(Number(text)) ? text : Number(text);
  if (operator === "in" || operator === "not_in") {
    return text
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  }
  return text;
}

function Section({ title, children, hint }: { title: string; children: ReactNode; hint?: ReactNode }) {
  return (
    <fieldset className="space-y-3 rounded-lg bg-stone-50 p-3 ring-1 ring-stone-200">
      <legend className="sr-only">{title}</legend>
      <p className="text-xs font-semibold tracking-wide text-stone-500 uppercase">{title}</p>
      {hint ? <p className="-mt-2 text-xs text-stone-500">{hint}</p> : null}
      {children}
    </fieldset>
  );
}

function FieldError({ message }: { message?: string }) {
  return message ? (
    <p role="alert" className="text-sm text-red-700">
      {message}
    </p>
  ) : null;
}

function DurationFields({
  label,
  value,
  onChange,
  err,
  path,
}: {
  label: string;
  value: unknown;
  onChange: (v: unknown) => void;
  err: Errors;
  path: string;
}) {
  const d = (value as { amount?: number; unit?: string } | undefined) ?? {};
  return (
    <div className="grid grid-cols-2 gap-2">
      <TextField
        label={label}
        type="number"
        min={1}
        value={d.amount ?? ""}
        onChange={(e) => onChange({ ...d, amount: e.target.value === "" ? undefined : Number(e.target.value) })}
        error={err(`${path}.amount`) ?? err(path)}
      />
      <SelectField
        label="Unit"
        value={d.unit ?? "days"}
        onChange={(e) => onChange({ ...d, unit: e.target.value })}
        error={err(`${path}.unit`)}
      >
        {UNITS.map((u) => (
          <option key={u} value={u}>
            {u}
          </option>
        ))}
      </SelectField>
    </div>
  );
}

interface SegmentChoice {
  id: string;
  name: string;
  memberCount?: number;
  archived?: boolean;
}

/** The workspace's segments by name (from the session segments route); a stored id that is gone says so. */
function SegmentPicker({
  value,
  onChange,
  error,
  label = "Segment",
}: {
  value: unknown;
  onChange: (id: string) => void;
  error?: string;
  label?: string;
}) {
  const { slug } = useParams<{ slug: string }>();
  const [segments, setSegments] = useState<SegmentChoice[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    fetch(`/api/workspaces/${slug}/segments`)
      .then(async (response) => {
        const body = await response.json().catch(() => null);
        if (cancelled) return;
        if (response.ok) setSegments(((body?.segments ?? []) as SegmentChoice[]).filter((s) => !s.archived));
        else setLoadError(body?.error?.message ?? `The server answered ${response.status}.`);
      })
      .catch(() => !cancelled && setLoadError("Cannot reach Cairn to list the segments."));
    return () => {
      cancelled = true;
    };
  }, [slug]);
  const selected = typeof value === "string" ? value : "";
  const known = segments?.some((s) => s.id === selected);
  return (
    <div className="space-y-1.5">
      <SelectField
        label={label}
        value={selected}
        onChange={(e) => onChange(e.target.value)}
        error={error}
        disabled={!segments?.length}
      >
        <option value="">
          {segments === null ? "Loading segments…" : segments.length ? "Choose a segment" : "Nothing to choose yet"}
        </option>
        {selected && segments && !known ? <option value={selected}>Unknown segment ({selected})</option> : null}
        {(segments ?? []).map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
            {typeof s.memberCount === "number"
              ? ` · ${s.memberCount.toLocaleString("en-GB")} ${s.memberCount === 1 ? "person" : "people"}`
              : ""}
          </option>
        ))}
      </SelectField>
      {loadError ? <p className="text-xs text-red-700">{loadError}</p> : null}
      {segments && !segments.length ? (
        <p
          className="rounded-md bg-amber-50 px-2.5 py-2 text-xs text-amber-900 ring-1 ring-amber-200"
          data-testid="empty-picker"
        >
          No segments yet — create one in{" "}
          <Link href={`/w/${slug}/segments`} className="font-medium underline">
            Segments
          </Link>
          .
        </p>
      ) : null}
    </div>
  );
}

const TEMPLATE_CHANNEL_KEY: Partial<Record<NodeType, TemplateSummary["channel"]>> = {
  "action.email": "email",
  "action.sms": "sms",
  "action.push": "push",
  "action.in_app": "in_app",
  "action.webhook": "webhook",
};

/** The workspace's saved templates of the step's channel (from the session templates route). */
function TemplatePicker({
  type,
  value,
  onChange,
  error,
}: {
  type: NodeType;
  value: unknown;
  onChange: (id: string) => void;
  error?: string;
}) {
  const { slug } = useParams<{ slug: string }>();
  const channel = TEMPLATE_CHANNEL_KEY[type] ?? "email";
  const channelName = TEMPLATE_CHANNEL[type] ?? "message";
  const [templates, setTemplates] = useState<TemplateSummary[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    fetch(`/api/workspaces/${slug}/templates?channel=${channel}`)
      .then(async (response) => {
        const body = await response.json().catch(() => null);
        if (cancelled) return;
        if (response.ok) setTemplates((body.templates as TemplateSummary[]).filter((t) => t.currentVersion > 0));
        else setLoadError(body?.error?.message ?? `The server answered ${response.status}.`);
      })
      .catch(() => !cancelled && setLoadError("Cannot reach Cairn to list the templates."));
    return () => {
      cancelled = true;
    };
  }, [slug, channel]);
  const selected = typeof value === "string" ? value : "";
  const known = templates?.some((t) => t.id === selected);
  return (
    <div className="space-y-1.5">
      <SelectField
        label="Template"
        value={selected}
        onChange={(e) => onChange(e.target.value)}
        error={error}
        disabled={!templates?.length}
      >
        <option value="">
          {templates === null ? "Loading templates…" : templates.length ? "Choose a template" : "Nothing to choose yet"}
        </option>
        {selected && templates && !known ? <option value={selected}>Unknown template ({selected})</option> : null}
        {(templates ?? []).map((t) => (
          <option key={t.id} value={t.id}>
            {t.name} (v{t.currentVersion})
          </option>
        ))}
      </SelectField>
      {loadError ? <p className="text-xs text-red-700">{loadError}</p> : null}
      {templates && !templates.length ? (
        <p
          className="rounded-md bg-amber-50 px-2.5 py-2 text-xs text-amber-900 ring-1 ring-amber-200"
          data-testid="empty-picker"
        >
          No {channelName} templates yet — create one in{" "}
          <Link href={`/w/${slug}/templates?channel=${channel}`} className="font-medium underline">
            Templates
          </Link>
          .
        </p>
      ) : null}
    </div>
  );
}

function ComparisonFields({
  subject,
  subjectLabel,
  rule,
  onChange,
  err,
  path,
  eventName,
}: {
  subject: string;
  subjectLabel: string;
  rule: Config;
  onChange: (r: Config) => void;
  err: Errors;
  path: string;
  eventName?: string;
}) {
  const operator = (rule.operator as Operator) ?? "equals";
  const needsValue = operator !== "exists" && operator !== "not_exists";
  return (
    <>
      {subject === "property" ? (
        // An event's property: the keys the catalog has seen on that event.
        <PropertyNameField
          label={subjectLabel}
          eventName={eventName}
          value={String(rule[subject] ?? "")}
          onChange={(v) => onChange({ ...rule, [subject]: v })}
          error={err(`${path}.${subject}`)}
        />
      ) : (
        <TextField
          label={subjectLabel}
          value={String(rule[subject] ?? "")}
          onChange={(e) => onChange({ ...rule, [subject]: e.target.value })}
          error={err(`${path}.${subject}`)}
        />
      )}
      <SelectField
        label="Operator"
        value={operator}
        onChange={(e) => {
          const op = e.target.value as Operator;
          onChange({ ...rule, operator: op, value: parseValue(op, valueText(rule.value)) });
        }}
        error={err(`${path}.operator`)}
      >
        {OPERATORS.map((o) => (
          <option key={o} value={o}>
            {OPERATOR_LABELS[o]}
          </option>
        ))}
      </SelectField>
      {needsValue ? (
        <TextField
          label="Value"
          value={valueText(rule.value)}
          hint={operator === "in" || operator === "not_in" ? "Separate values with commas." : undefined}
          onChange={(e) => onChange({ ...rule, value: parseValue(operator, e.target.value) })}
          error={err(`${path}.value`)}
        />
      ) : null}
    </>
  );
}

const RULE_KINDS = [
  { kind: "trait", label: "Profile trait" },
  { kind: "event_property", label: "Trigger event property" },
  { kind: "performed", label: "Did an event" },
  { kind: "segment", label: "Segment membership" },
] as const;

function newRule(kind: string): Config {
  if (kind === "trait") return { kind, trait: "", operator: "equals", value: "" };
  if (kind === "event_property") return { kind, property: "", operator: "equals", value: "" };
  if (kind === "performed") return { kind, eventName: "", performed: true, withinDays: 7 };
  return { kind, segmentId: "", member: true };
}

function RuleGroupEditor({
  value,
  onChange,
  err,
  path,
}: {
  value: unknown;
  onChange: (v: unknown) => void;
  err: Errors;
  path: string;
}) {
  const group = (value as { match?: string; rules?: Config[] } | undefined) ?? {};
  const rules = group.rules ?? [];
  const setRule = (i: number, rule: Config) => onChange({ ...group, rules: rules.map((r, j) => (j === i ? rule : r)) });
  const triggerEvent = useTriggerEventName();
  return (
    <div className="space-y-3">
      <SelectField
        label="Match"
        value={group.match ?? "all"}
        onChange={(e) => onChange({ ...group, match: e.target.value })}
      >
        <option value="all">All rules are true</option>
        <option value="any">Any rule is true</option>
      </SelectField>
      <FieldError message={err(`${path}.rules`)} />
      {rules.map((rule, i) => {
        const rp = `${path}.rules.${i}`;
        return (
          <div key={i} className="space-y-2 rounded-md bg-white p-2.5 ring-1 ring-stone-200">
            <div className="flex items-end gap-2">
              <div className="flex-1">
                <SelectField
                  label={`Rule ${i + 1}`}
                  value={String(rule.kind)}
                  onChange={(e) => setRule(i, newRule(e.target.value))}
                >
                  {RULE_KINDS.map((k) => (
                    <option key={k.kind} value={k.kind}>
                      {k.label}
                    </option>
                  ))}
                </SelectField>
              </div>
              <Button
                variant="ghost"
                className="px-2"
                aria-label={`Remove rule ${i + 1}`}
                onClick={() => onChange({ ...group, rules: rules.filter((_, j) => j !== i) })}
              >
                <Trash2 className="h-4 w-4" aria-hidden="true" />
              </Button>
            </div>
            {rule.kind === "trait" ? (
              <ComparisonFields
                subject="trait"
                subjectLabel="Trait"
                rule={rule}
                onChange={(r) => setRule(i, r)}
                err={err}
                path={rp}
              />
            ) : null}
            {rule.kind === "event_property" ? (
              <ComparisonFields
                subject="property"
                subjectLabel="Property"
                rule={rule}
                onChange={(r) => setRule(i, r)}
                err={err}
                path={rp}
                eventName={triggerEvent}
              />
            ) : null}
            {rule.kind === "performed" ? (
              <>
                <EventNameField
                  label="Event name"
                  value={String(rule.eventName ?? "")}
                  onChange={(v) => setRule(i, { ...rule, eventName: v })}
                  error={err(`${rp}.eventName`)}
                />
                <div className="grid grid-cols-2 gap-2">
                  <SelectField
                    label="Has"
                    value={rule.performed === false ? "no" : "yes"}
                    onChange={(e) => setRule(i, { ...rule, performed: e.target.value === "yes" })}
                  >
                    <option value="yes">done it</option>
                    <option value="no">not done it</option>
                  </SelectField>
                  <TextField
                    label="Within days"
                    type="number"
                    min={1}
                    value={rule.withinDays === undefined ? "" : String(rule.withinDays)}
                    onChange={(e) =>
                      setRule(i, { ...rule, withinDays: e.target.value === "" ? undefined : Number(e.target.value) })
                    }
                    error={err(`${rp}.withinDays`)}
                  />
                </div>
              </>
            ) : null}
            {rule.kind === "segment" ? (
              <>
                <SelectField
                  label="Membership"
                  value={rule.member === false ? "out" : "in"}
                  onChange={(e) => setRule(i, { ...rule, member: e.target.value === "in" })}
                  error={err(`${rp}.member`)}
                >
                  <option value="in">is in the segment</option>
                  <option value="out">is not in the segment</option>
                </SelectField>
                <SegmentPicker
                  value={rule.segmentId}
                  onChange={(id) => setRule(i, { ...rule, segmentId: id })}
                  error={err(`${rp}.segmentId`)}
                />
              </>
            ) : null}
          </div>
        );
      })}
      <Button
        variant="secondary"
        className="w-full py-1.5 text-xs"
        onClick={() => onChange({ ...group, rules: [...rules, newRule("trait")] })}
      >
        <Plus className="h-3.5 w-3.5" aria-hidden="true" />
        Add rule
      </Button>
    </div>
  );
}

function KeyValueRows({
  label,
  rows,
  onChange,
  keyLabel,
  valueLabel,
  err,
  path,
}: {
  label: string;
  rows: [string, string][];
  onChange: (rows: [string, string][]) => void;
  keyLabel: string;
  valueLabel: string;
  err: Errors;
  path: string;
}) {
  return (
    <div className="space-y-2">
      <p className="text-sm font-medium text-stone-800">{label}</p>
      {rows.map(([k, v], i) => (
        <div key={i} className="flex items-end gap-2">
          <div className="flex-1">
            <TextField
              label={keyLabel}
              value={k}
              onChange={(e) => onChange(rows.map((r, j) => (j === i ? [e.target.value, r[1]] : r)))}
            />
          </div>
          <div className="flex-1">
            <TextField
              label={valueLabel}
              value={v}
              onChange={(e) => onChange(rows.map((r, j) => (j === i ? [r[0], e.target.value] : r)))}
              error={err(`${path}.${k}`)}
            />
          </div>
          <Button
            variant="ghost"
            className="px-2"
            aria-label={`Remove ${k || "row"}`}
            onClick={() => onChange(rows.filter((_, j) => j !== i))}
          >
            <Trash2 className="h-4 w-4" aria-hidden="true" />
          </Button>
        </div>
      ))}
      <Button variant="secondary" className="w-full py-1.5 text-xs" onClick={() => onChange([...rows, ["", ""]])}>
        <Plus className="h-3.5 w-3.5" aria-hidden="true" />
        Add
      </Button>
    </div>
  );
}

/** A webhook step's body: written here (Liquid), or a saved webhook template's (with its content type and headers). */
function WebhookBodySource({
  usesTemplate,
  onChoose,
}: {
  usesTemplate: boolean;
  onChoose: (template: boolean) => void;
}) {
  const name = useId();
  return (
    <fieldset className="space-y-1.5">
      <legend className="text-sm font-medium text-stone-800">Request body</legend>
      {[
        { template: false, label: "Write the body here" },
        { template: true, label: "Use a saved template" },
      ].map((choice) => (
        <label key={choice.label} className="flex items-center gap-2 text-sm text-stone-700">
          <input
            type="radio"
            name={name}
            checked={usesTemplate === choice.template}
            onChange={() => onChoose(choice.template)}
            className="h-4 w-4 border-stone-300 text-brand-600"
          />
          {choice.label}
        </label>
      ))}
    </fieldset>
  );
}

/** Keeps rows being typed (an empty key) while the config holds only complete pairs. */
const toRows = (record: unknown): [string, string][] =>
  Object.entries((record as Record<string, unknown>) ?? {}).map(([k, v]) => [k, String(v ?? "")]);
const fromRows = (rows: [string, string][]) => Object.fromEntries(rows.map(([k, v]) => [k, v]));

function ConfigForm({
  type,
  config,
  set,
  err,
}: {
  type: NodeType;
  config: Config;
  set: (path: (string | number)[], value: unknown) => void;
  err: Errors;
}) {
  const triggerEvent = useTriggerEventName();
  switch (type) {
    case "trigger.event": {
      const filters = (config.filters as Config[] | undefined) ?? [];
      return (
        <>
          <EventNameField
            label="Event name"
            placeholder="e.g. Signed Up"
            value={String(config.eventName ?? "")}
            onChange={(v) => set(["eventName"], v)}
            error={err("config.eventName")}
            hint="The event that enrolls someone, as your app sends it."
          />
          <Section title="Only when" hint={filters.length ? undefined : "Optional: filter on the event's properties."}>
            {filters.map((f, i) => (
              <div key={i} className="space-y-2 rounded-md bg-white p-2.5 ring-1 ring-stone-200">
                <ComparisonFields
                  subject="property"
                  subjectLabel={`Property (filter ${i + 1})`}
                  rule={f}
                  onChange={(r) => set(["filters", i], r)}
                  err={err}
                  path={`config.filters.${i}`}
                  eventName={String(config.eventName ?? "")}
                />
                <Button
                  variant="ghost"
                  className="px-2 py-1 text-xs"
                  onClick={() =>
                    set(
                      ["filters"],
                      filters.filter((_, j) => j !== i),
                    )
                  }
                >
                  <Trash2 className="h-3.5 w-3.5" aria-hidden="true" />
                  Remove filter
                </Button>
              </div>
            ))}
            <Button
              variant="secondary"
              className="w-full py-1.5 text-xs"
              onClick={() => set(["filters"], [...filters, { property: "", operator: "equals", value: "" }])}
            >
              <Plus className="h-3.5 w-3.5" aria-hidden="true" />
              Add filter
            </Button>
          </Section>
        </>
      );
    }
    case "trigger.segment":
      return (
        <>
          <SegmentPicker
            value={config.segmentId}
            onChange={(id) => set(["segmentId"], id)}
            error={err("config.segmentId")}
          />
          <p className="text-xs text-stone-500">People enter the journey when they enter the segment.</p>
        </>
      );
    case "trigger.schedule": {
      const schedule = (config.schedule as Config | undefined) ?? { kind: "once" };
      const timezone = String(config.timezone ?? "");
      // Times are typed as wall-clock times of the trigger's time zone (UTC until a valid one is set), which is
      // how the engine steps daily and weekly schedules; changing the zone keeps the time as typed.
      const zone = isValidTimeZone(timezone) ? timezone : "UTC";
      const setZone = (next: string) => {
        const keep = (iso: unknown) =>
          typeof iso === "string" && iso ? fromWallTime(toWallTime(iso, timezone), next) : iso;
        set([], {
          ...config,
          timezone: next,
          schedule:
            schedule.kind === "recurring"
              ? { ...schedule, startAt: keep(schedule.startAt) }
              : { ...schedule, at: keep(schedule.at) },
        });
      };
      const when = scheduleHint(config);
      return (
        <>
          <SelectField
            label="Runs"
            value={String(schedule.kind)}
            onChange={(e) =>
              set(
                ["schedule"],
                e.target.value === "once"
                  ? { kind: "once", at: "" }
                  : { kind: "recurring", every: { amount: 1, unit: "days" }, startAt: "" },
              )
            }
          >
            <option value="once">Once</option>
            <option value="recurring">Repeatedly</option>
          </SelectField>
          {schedule.kind === "recurring" ? (
            <>
              <DurationFields
                label="Every"
                value={schedule.every}
                onChange={(v) => set(["schedule", "every"], v)}
                err={err}
                path="config.schedule.every"
              />
              <TextField
                label={`Starting (${zone} time)`}
                type="datetime-local"
                value={toWallTime(schedule.startAt, timezone)}
                onChange={(e) => set(["schedule", "startAt"], fromWallTime(e.target.value, timezone))}
                error={
                  err("config.schedule.startAt") &&
                  (schedule.startAt ? err("config.schedule.startAt") : "Choose a date and time")
                }
                hint={when}
              />
            </>
          ) : (
            <TextField
              label={`At (${zone} time)`}
              type="datetime-local"
              value={toWallTime(schedule.at, timezone)}
              onChange={(e) => set(["schedule", "at"], fromWallTime(e.target.value, timezone))}
              error={err("config.schedule.at") && (schedule.at ? err("config.schedule.at") : "Choose a date and time")}
              hint={when}
            />
          )}
          <TextField
            label="Time zone"
            list="cairn-time-zones"
            value={timezone}
            onChange={(e) => setZone(e.target.value)}
            error={err("config.timezone")}
            hint="IANA name, e.g. Europe/Paris. Days and weeks keep this zone's wall-clock time across daylight saving changes."
          />
          <datalist id="cairn-time-zones">
            {TIME_ZONES.map((tz) => (
              <option key={tz} value={tz} />
            ))}
          </datalist>
          <SegmentPicker
            label="Who enters (segment)"
            value={config.segmentId}
            onChange={(id) => set(["segmentId"], id)}
            error={err("config.segmentId")}
          />
          <p className="text-xs text-stone-500">
            Everyone in the segment at each run enters, under the journey&apos;s re-entry rule. Runs missed while the
            journey is paused are not made up: on resuming, only the latest one runs.
          </p>
        </>
      );
    }
    case "trigger.api":
      return (
        <p className="text-sm text-stone-600">
          Your backend enrolls people with POST /api/v1/journeys/&lt;id&gt;/enroll and a full-scope API key.
        </p>
      );
    case "delay.duration":
      return (
        <DurationFields
          label="Wait for"
          value={config.duration}
          onChange={(v) => set(["duration"], v)}
          err={err}
          path="config.duration"
        />
      );
    case "delay.time_of_day":
      return (
        <>
          <TextField
            label="Time (24-hour)"
            type="time"
            value={String(config.time ?? "")}
            onChange={(e) => set(["time"], e.target.value)}
            error={err("config.time")}
            hint="In each person's own time zone."
          />
          <TextField
            label="Fallback time zone"
            value={String(config.fallbackTimezone ?? "")}
            onChange={(e) => set(["fallbackTimezone"], e.target.value)}
            error={err("config.fallbackTimezone")}
            hint="For profiles without a time zone."
          />
        </>
      );
    case "delay.until_date_trait": {
      const offset = config.offset as Config | undefined;
      return (
        <>
          <TextField
            label="Date trait"
            placeholder="e.g. renewalDate"
            value={String(config.trait ?? "")}
            onChange={(e) => set(["trait"], e.target.value)}
            error={err("config.trait")}
          />
          <SelectField
            label="Offset"
            value={offset ? String(offset.direction) : "none"}
            onChange={(e) =>
              set(
                ["offset"],
                e.target.value === "none"
                  ? undefined
                  : {
                      duration: (offset?.duration as unknown) ?? { amount: 1, unit: "days" },
                      direction: e.target.value,
                    },
              )
            }
          >
            <option value="none">On the date</option>
            <option value="before">Before the date</option>
            <option value="after">After the date</option>
          </SelectField>
          {offset ? (
            <DurationFields
              label="By"
              value={offset.duration}
              onChange={(v) => set(["offset", "duration"], v)}
              err={err}
              path="config.offset.duration"
            />
          ) : null}
        </>
      );
    }
    case "wait_for_event": {
      const match = config.match as Config | undefined;
      return (
        <>
          <EventNameField
            label="Event name"
            value={String(config.eventName ?? "")}
            onChange={(v) => set(["eventName"], v)}
            error={err("config.eventName")}
          />
          <DurationFields
            label="Give up after"
            value={config.timeout}
            onChange={(v) => set(["timeout"], v)}
            err={err}
            path="config.timeout"
          />
          <Section
            title="Same as the trigger"
            hint="Optional: the event must carry the trigger's value, e.g. the same cartId."
          >
            <PropertyNameField
              label="Event property"
              eventName={String(config.eventName ?? "")}
              value={String(match?.property ?? "")}
              onChange={(v) => set(["match"], v || match?.triggerProperty ? { ...match, property: v } : undefined)}
              error={err("config.match.property")}
            />
            <PropertyNameField
              label="Trigger property"
              eventName={triggerEvent}
              value={String(match?.triggerProperty ?? "")}
              onChange={(v) => set(["match"], v || match?.property ? { ...match, triggerProperty: v } : undefined)}
              error={err("config.match.triggerProperty")}
            />
          </Section>
        </>
      );
    }
    case "condition":
      return <RuleGroupEditor value={config.rules} onChange={(v) => set(["rules"], v)} err={err} path="config.rules" />;
    case "branch": {
      const branches = (config.branches as Config[] | undefined) ?? [];
      return (
        <>
          <FieldError message={err("config.branches")} />
          {branches.map((b, i) => (
            <Section key={String(b.id)} title={`Path ${i + 1}`}>
              <TextField
                label="Label"
                value={String(b.label ?? "")}
                onChange={(e) => set(["branches", i, "label"], e.target.value)}
                error={err(`config.branches.${i}.label`)}
              />
              <RuleGroupEditor
                value={b.rules}
                onChange={(v) => set(["branches", i, "rules"], v)}
                err={err}
                path={`config.branches.${i}.rules`}
              />
              {branches.length > 1 ? (
                <Button
                  variant="ghost"
                  className="px-2 py-1 text-xs"
                  onClick={() =>
                    set(
                      ["branches"],
                      branches.filter((_, j) => j !== i),
                    )
                  }
                >
                  <Trash2 className="h-3.5 w-3.5" aria-hidden="true" />
                  Remove path
                </Button>
              ) : null}
            </Section>
          ))}
          <Button
            variant="secondary"
            className="w-full py-1.5 text-xs"
            onClick={() =>
              set(
                ["branches"],
                [
                  ...branches,
                  {
                    id: uniqueId("b", branches),
                    label: `Path ${branches.length + 1}`,
                    rules: { match: "all", rules: [newRule("trait")] },
                  },
                ],
              )
            }
          >
            <Plus className="h-3.5 w-3.5" aria-hidden="true" />
            Add path
          </Button>
          <p className="text-xs text-stone-500">Everyone else leaves through “Else”.</p>
        </>
      );
    }
    case "split": {
      const arms = (config.arms as Config[] | undefined) ?? [];
      const holdout = config.holdout as { weight?: number } | undefined;
      const total = arms.reduce((s, a) => s + (Number(a.weight) || 0), 0) + (holdout?.weight ?? 0);
      return (
        <>
          <FieldError message={err("config.arms")} />
          {arms.map((a, i) => (
            <div key={String(a.id)} className="flex items-end gap-2">
              <div className="flex-1">
                <TextField
                  label={`Arm ${i + 1}`}
                  value={String(a.label ?? "")}
                  onChange={(e) => set(["arms", i, "label"], e.target.value)}
                  error={err(`config.arms.${i}.label`)}
                />
              </div>
              <div className="w-24">
                <TextField
                  label="Weight %"
                  type="number"
                  value={String(a.weight ?? "")}
                  onChange={(e) => set(["arms", i, "weight"], Number(e.target.value))}
                  error={err(`config.arms.${i}.weight`)}
                />
              </div>
              {arms.length > 2 ? (
                <Button
                  variant="ghost"
                  className="px-2"
                  aria-label={`Remove arm ${i + 1}`}
                  onClick={() =>
                    set(
                      ["arms"],
                      arms.filter((_, j) => j !== i),
                    )
                  }
                >
                  <Trash2 className="h-4 w-4" aria-hidden="true" />
                </Button>
              ) : null}
            </div>
          ))}
          <Button
            variant="secondary"
            className="w-full py-1.5 text-xs"
            onClick={() =>
              set(
                ["arms"],
                [...arms, { id: uniqueId("arm", arms), label: String.fromCharCode(65 + arms.length), weight: 0 }],
              )
            }
          >
            <Plus className="h-3.5 w-3.5" aria-hidden="true" />
            Add arm
          </Button>
          <TextField
            label="Holdout %"
            type="number"
            value={holdout?.weight === undefined ? "" : String(holdout.weight)}
            hint="Optional: held-out people follow the first arm's path but get nothing on it (no message, call or profile change), for measuring lift."
            onChange={(e) => set(["holdout"], e.target.value === "" ? undefined : { weight: Number(e.target.value) })}
            error={err("config.holdout.weight")}
          />
          <p className={`text-xs ${Math.abs(total - 100) < 1e-9 ? "text-stone-500" : "font-medium text-red-700"}`}>
            Total: {total}% (must be 100%)
          </p>
        </>
      );
    }
    case "action.email":
    case "action.sms":
    case "action.push":
    case "action.in_app": {
      return (
        <TemplatePicker
          type={type}
          value={config.templateId}
          onChange={(id) => set(["templateId"], id || undefined)}
          error={err("config.templateId")}
        />
      );
    }
    case "action.webhook":
      return (
        <>
          <TextField
            label="URL"
            type="url"
            placeholder="https://example.com/hooks/cairn"
            value={String(config.url ?? "")}
            onChange={(e) => set(["url"], e.target.value)}
            error={err("config.url")}
          />
          <SelectField
            label="Method"
            value={String(config.method ?? "POST")}
            onChange={(e) => set(["method"], e.target.value)}
            error={err("config.method")}
          >
            {["POST", "PUT", "PATCH", "GET", "DELETE"].map((m) => (
              <option key={m}>{m}</option>
            ))}
          </SelectField>
          <KeyValueRows
            label="Headers"
            keyLabel="Header"
            valueLabel="Value"
            rows={toRows(config.headers)}
            onChange={(rows) => set(["headers"], fromRows(rows))}
            err={err}
            path="config.headers"
          />
          <WebhookBodySource
            usesTemplate={config.templateId !== undefined}
            // the body and a template are exclusive (the graph refuses both): switching drops the other
            onChoose={(template) => {
              const rest = Object.fromEntries(
                Object.entries(config).filter(([key]) => key !== "body" && key !== "templateId"),
              );
              set([], template ? { ...rest, templateId: "" } : rest);
            }}
          />
          {config.templateId !== undefined ? (
            <TemplatePicker
              type={type}
              value={config.templateId}
              onChange={(id) => set(["templateId"], id)}
              error={err("config.templateId")}
            />
          ) : (
            <div className="space-y-1.5">
              <label htmlFor="webhook-body" className="sr-only">
                Body
              </label>
              <textarea
                id="webhook-body"
                rows={4}
                className="block w-full rounded-md border-0 bg-white px-3 py-2 font-mono text-xs text-stone-900 shadow-sm ring-1 ring-stone-300 outline-none ring-inset focus:ring-2 focus:ring-brand-600"
                value={String(config.body ?? "")}
                onChange={(e) => set(["body"], e.target.value || undefined)}
              />
              <FieldError message={err("config.body")} />
            </div>
          )}
        </>
      );
    case "action.update_profile": {
      const unset = (config.unset as string[] | undefined) ?? [];
      return (
        <>
          <KeyValueRows
            label="Set traits"
            keyLabel="Trait"
            valueLabel="Value"
            rows={toRows(config.set)}
            onChange={(rows) => set(["set"], fromRows(rows))}
            err={err}
            path="config.set"
          />
          <TextField
            label="Remove traits"
            value={unset.join(", ")}
            hint="Trait names, separated by commas."
            onChange={(e) =>
              set(
                ["unset"],
                e.target.value
                  .split(",")
                  .map((s) => s.trim())
                  .filter(Boolean),
              )
            }
            error={err("config.unset")}
          />
        </>
      );
    }
    case "goal":
      return (
        <EventNameField
          label="Goal event"
          placeholder="e.g. Order Completed"
          value={String(config.eventName ?? "")}
          onChange={(v) => set(["eventName"], v)}
          error={err("config.eventName")}
          hint="Doing this counts a conversion and ends the journey."
        />
      );
    case "exit":
      return <p className="text-sm text-stone-600">People who reach this step leave the journey.</p>;
  }
}

function uniqueId(prefix: string, items: Config[]): string {
  const taken = new Set(items.map((i) => String(i.id)));
  let n = items.length + 1;
  while (taken.has(`${prefix}${n}`)) n += 1;
  return `${prefix}${n}`;
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
  const meta = NODE_META[node.type];
  const err: Errors = (path) => {
    const found = problems.find((p) => p.path === path);
    return found ? `${found.message[0].toUpperCase()}${found.message.slice(1)}` : undefined;
  };
  const set = (path: (string | number)[], value: unknown) =>
    onChange(node.id, { config: setIn(node.config, path, value) });
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
      <ConfigForm type={node.type} config={node.config} set={set} err={err} />
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

export const SettingsInspector = memo(function SettingsInspector({
  settings,
  problems,
  readOnly,
  onChange,
}: {
  settings: TJourneySettings;
  problems: JourneyProblem[];
  readOnly: boolean;
  onChange: (settings: TJourneySettings) => void;
}) {
  const err = (path: string) => problems.find((p) => p.path === path)?.message;
  const reentry = settings.reentry ?? { mode: "once" };
  const waitWarnings = useWaitWarnings(settings);
  const steps = useCanvasSteps();
  const waitName = (id: string) => steps.find((s) => s.id === id)?.label || id;
  return (
    <div className="space-y-4" data-testid="journey-settings">
      <div>
        <h2 className="text-sm font-semibold text-stone-900">Journey settings</h2>
        <p className="mt-0.5 text-xs text-stone-500">Select a step on the canvas to configure it.</p>
      </div>
      <fieldset disabled={readOnly} className="min-w-0 space-y-4">
        <legend className="sr-only">Journey settings</legend>
        <SelectField
          label="Re-entry"
          value={reentry.mode}
          onChange={(e) =>
            onChange({
              ...settings,
              reentry:
                e.target.value === "after"
                  ? { mode: "after", days: 30 }
                  : { mode: e.target.value as "once" | "always" },
            })
          }
          error={err("settings.reentry")}
        >
          <option value="once">Once per person</option>
          <option value="after">Again after some days</option>
          <option value="always">Every time the trigger happens</option>
        </SelectField>
        {reentry.mode === "after" ? (
          <TextField
            label="Days before re-entry"
            type="number"
            min={1}
            value={String(reentry.days)}
            onChange={(e) => onChange({ ...settings, reentry: { mode: "after", days: Number(e.target.value) } })}
            error={err("settings.reentry.days")}
          />
        ) : null}
        <TextField
          label="Exit events"
          value={(settings.exitEvents ?? []).join(", ")}
          hint="Doing any of these removes a person, wherever they are. Separate with commas."
          onChange={(e) =>
            onChange({
              ...settings,
              exitEvents: e.target.value
                .split(",")
                .map((s) => s.trim())
                .filter(Boolean),
            })
          }
        />
        <ExitEventWarnings names={settings.exitEvents ?? []} />
        <Section title="Conversion goal" hint="Optional: count conversions for this journey.">
          <EventNameField
            label="Goal event"
            value={settings.goal?.eventName ?? ""}
            onChange={(v) =>
              onChange({
                ...settings,
                goal: v
                  ? { ...settings.goal, eventName: v, attributionHours: settings.goal?.attributionHours ?? 72 }
                  : undefined,
              })
            }
            error={err("settings.goal.eventName")}
          />
          {settings.goal ? (
            <SelectField
              label="After converting"
              value={settings.goal.onConversion ?? "end"}
              hint="Letting people continue also sends someone waiting for the goal event down the wait's “Arrived” path."
              onChange={(e) =>
                onChange({
                  ...settings,
                  goal: { ...settings.goal!, onConversion: e.target.value === "continue" ? "continue" : undefined },
                })
              }
              error={err("settings.goal.onConversion")}
            >
              <option value="end">The journey ends for them</option>
              <option value="continue">They continue the journey</option>
            </SelectField>
          ) : null}
          {settings.goal ? (
            <TextField
              label="Attribution window (hours)"
              type="number"
              min={1}
              value={String(settings.goal.attributionHours)}
              onChange={(e) =>
                onChange({ ...settings, goal: { ...settings.goal!, attributionHours: Number(e.target.value) } })
              }
              error={err("settings.goal.attributionHours")}
            />
          ) : null}
          {settings.goal ? (
            <PropertyNameField
              label="Revenue property"
              placeholder="e.g. total"
              eventName={settings.goal.eventName}
              value={settings.goal.revenueProperty ?? ""}
              hint="Optional: the goal event's property with the order value; experiments report revenue per person."
              onChange={(v) => onChange({ ...settings, goal: { ...settings.goal!, revenueProperty: v || undefined } })}
              error={err("settings.goal.revenueProperty")}
            />
          ) : null}
        </Section>
        {waitWarnings.map((w, i) => (
          <Warning key={i} testId="wait-warning">
            {waitName(w.nodeId ?? "")}: {w.message}
          </Warning>
        ))}
        <Section title="Quiet hours" hint="Optional: messages wait until quiet hours end, in each person's time zone.">
          <div className="grid grid-cols-2 gap-2">
            <TextField
              label="From"
              type="time"
              value={settings.quietHours?.start ?? ""}
              onChange={(e) =>
                onChange({
                  ...settings,
                  quietHours: e.target.value
                    ? { start: e.target.value, end: settings.quietHours?.end ?? "08:00" }
                    : undefined,
                })
              }
            />
            <TextField
              label="Until"
              type="time"
              value={settings.quietHours?.end ?? ""}
              disabled={!settings.quietHours}
              onChange={(e) =>
                onChange({
                  ...settings,
                  quietHours: { start: settings.quietHours?.start ?? "21:00", end: e.target.value },
                })
              }
            />
          </div>
        </Section>
        <label className="flex items-start gap-2 text-sm text-stone-800">
          <input
            type="checkbox"
            className="mt-0.5 h-4 w-4 accent-brand-700"
            checked={settings.frequencyCaps ?? true}
            onChange={(e) => onChange({ ...settings, frequencyCaps: e.target.checked })}
          />
          <span>
            Apply the workspace&apos;s frequency caps
            <span className="block text-xs text-stone-500">
              Limits how many messages a person gets across journeys.
            </span>
          </span>
        </label>
      </fieldset>
    </div>
  );
});
