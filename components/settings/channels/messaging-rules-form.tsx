"use client";

import { Gauge, Moon, Plus, ShieldCheck, X } from "lucide-react";
import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from "react";
import type { Channel } from "@/lib/messaging/liquid";
import type { MessagingPolicy } from "@/lib/messaging/policy";
import { Button } from "../../ui/button";
import { Card } from "../../ui/card";
import { FormAlert, SelectField } from "../../ui/field";
import { api } from "../../api/client";
import { describeFieldProblem } from "../../ui/field-words";
import { ReadOnlyNote } from "./channels-panel";

/** every channel of lib/messaging/liquid.ts CHANNELS (the Record makes a new one a type error here) */
const CHANNEL_LABELS: Record<Channel, string> = { email: "Email", sms: "SMS", push: "Push", in_app: "In-app" };
const CHANNELS = (Object.keys(CHANNEL_LABELS) as Channel[]).map((value) => ({ value, label: CHANNEL_LABELS[value] }));
const MAX_CAPS = 20;

interface CapRow {
  /** a stable React key: rows can be removed from the middle */
  key: number;
  channel: Channel;
  limit: string;
  hours: string;
}

interface Props {
  slug: string;
  policy: MessagingPolicy;
  /** describePolicy / describeCap of the saved policy */
  summary: string;
  capDescriptions: string[];
  timeZones: string[];
  canManage: boolean;
}

function numberOrNull(text: string): number | null {
  return text.trim() === "" ? null : Number(text);
}

export function MessagingRulesForm({
  slug,
  policy,
  summary: savedSummary,
  capDescriptions,
  timeZones,
  canManage,
}: Props) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [caps, setCaps] = useState<CapRow[]>(() =>
    policy.frequencyCaps.map((c, i) => ({
      key: i,
      channel: c.channel,
      limit: String(c.limit),
      hours: String(c.hours),
    })),
  );
  const nextKey = useRef(policy.frequencyCaps.length);
  const [quietOn, setQuietOn] = useState(policy.quietHours !== null);
  const [start, setStart] = useState(policy.quietHours?.start ?? "21:00");
  const [end, setEnd] = useState(policy.quietHours?.end ?? "08:00");
  const [quietChannels, setQuietChannels] = useState<Channel[]>(
    policy.quietHours?.channels ?? ["email", "sms", "push"],
  );
  const [fallbackTimeZone, setFallbackTimeZone] = useState(policy.quietHours?.fallbackTimeZone ?? "UTC");
  const [requireOptIn, setRequireOptIn] = useState<Channel[]>(policy.requireOptIn);
  const [described, setDescribed] = useState<{ summary: string; caps: string[] } | null>({
    summary: savedSummary,
    caps: capDescriptions,
  });
  const [savedNotice, setSavedNotice] = useState(false);

  const draft = {
    frequencyCaps: caps.map((c) => ({
      channel: c.channel,
      limit: numberOrNull(c.limit),
      hours: numberOrNull(c.hours),
    })),
    quietHours: quietOn
      ? {
          start,
          end,
          channels: CHANNELS.map((c) => c.value).filter((c) => quietChannels.includes(c)),
          fallbackTimeZone,
        }
      : null,
    requireOptIn: CHANNELS.map((c) => c.value).filter((c) => requireOptIn.includes(c)),
  };
  const draftJson = JSON.stringify(draft);
  const [savedJson, setSavedJson] = useState(draftJson);
  const lastDescribed = useRef(draftJson);
  const dirty = draftJson !== savedJson;

  // The live summary: the server's own words for the draft (describePolicy), and its field problems as you go.
  useEffect(() => {
    if (draftJson === lastDescribed.current) return;
    const timer = setTimeout(async () => {
      lastDescribed.current = draftJson;
      const result = await api.settings.describeMessagingPolicy(slug, JSON.parse(draftJson));
      if (lastDescribed.current !== draftJson) return; // a newer draft is on its way
      if (result.ok) {
        setDescribed(result.data);
        setFieldErrors({});
      } else {
        setDescribed(null);
        setFieldErrors(result.error.fields);
      }
    }, 300);
    return () => clearTimeout(timer);
  }, [draftJson, slug]);

  async function save(event: FormEvent) {
    event.preventDefault();
    setSavedNotice(false);
    setPending(true);
    setFormError(null);
    const result = await api.settings.saveMessagingPolicy(slug, draft);
    setPending(false);
    if (!result.ok) {
      setFieldErrors(result.error.fields);
      // field problems are shown beside their fields; the banner carries only what no field shows
      setFormError(result.error.hasFields ? null : result.error.message);
      return;
    }
    const saved = result.data;
    setFieldErrors({});
    setSavedJson(draftJson);
    setDescribed((d) => ({ summary: saved.summary, caps: d?.caps ?? [] }));
    setSavedNotice(true);
    router.refresh();
  }

  const fieldError = (path: string) => fieldErrors[path];
  const shown = new Set([
    "frequencyCaps",
    "quietHours",
    "quietHours.start",
    "quietHours.end",
    "quietHours.channels",
    "quietHours.fallbackTimeZone",
    "requireOptIn",
  ]);
  caps.forEach((_, i) => ["channel", "limit", "hours"].forEach((f) => shown.add(`frequencyCaps.${i}.${f}`)));
  const leftover = Object.entries(fieldErrors).filter(([path]) => !shown.has(path));
  const zones = timeZones.includes(fallbackTimeZone) ? timeZones : [fallbackTimeZone, ...timeZones];

  return (
    <form method="post" onSubmit={save} noValidate aria-label="Messaging rules" className="space-y-6">
      {canManage ? null : <ReadOnlyNote what="messaging rules" />}
      <div className="rounded-xl bg-brand-50 px-5 py-4 ring-1 ring-brand-200" aria-live="polite">
        <p className="text-xs font-medium tracking-wide text-brand-800 uppercase">
          In effect for every journey{dirty ? " once saved" : ""}
        </p>
        <p className="mt-1 text-sm text-brand-950" data-testid="policy-summary">
          {described ? (
            described.summary
          ) : (
            <span className="text-stone-600">The summary appears when the rules below are complete.</span>
          )}
        </p>
      </div>
      <FormAlert message={formError} />
      {leftover.length > 0 ? (
        <FormAlert message={leftover.map(([path, message]) => describeFieldProblem(path, message)).join(" · ")} />
      ) : null}

      <fieldset
        disabled={!canManage}
        className="space-y-6 [&_input:disabled]:bg-stone-50 [&_input:disabled]:text-stone-600 [&_select:disabled]:bg-stone-50 [&_select:disabled]:text-stone-600"
      >
        <Card
          title="Frequency caps"
          description="At most so many messages of a channel per person in any window of hours, across all journeys. A message over a cap is suppressed, with the cap as its reason."
        >
          <Section icon={Gauge}>
            {caps.length === 0 ? (
              <p className="text-sm text-stone-500">No caps: people get every message their journeys send.</p>
            ) : null}
            <ul className="space-y-3" aria-label="Frequency caps">
              {caps.map((cap, i) => {
                const errors = ["channel", "limit", "hours"]
                  .map((f) => fieldError(`frequencyCaps.${i}.${f}`))
                  .filter(Boolean);
                const update = (patch: Partial<CapRow>) =>
                  setCaps((rows) => rows.map((r) => (r.key === cap.key ? { ...r, ...patch } : r)));
                return (
                  <li key={cap.key} data-testid={`cap-${i + 1}`}>
                    <div className="flex flex-wrap items-center gap-2 text-sm text-stone-700">
                      <span className="sr-only">Cap {i + 1}:</span>
                      At most
                      <input
                        aria-label={`Cap ${i + 1} limit`}
                        inputMode="numeric"
                        value={cap.limit}
                        onChange={(e) => update({ limit: e.target.value })}
                        aria-invalid={!!fieldError(`frequencyCaps.${i}.limit`)}
                        className={smallControl(!!fieldError(`frequencyCaps.${i}.limit`), "w-20")}
                      />
                      <select
                        aria-label={`Cap ${i + 1} channel`}
                        value={cap.channel}
                        onChange={(e) => update({ channel: e.target.value as Channel })}
                        className={smallControl(!!fieldError(`frequencyCaps.${i}.channel`), "w-32")}
                      >
                        {CHANNELS.map((c) => (
                          <option key={c.value} value={c.value}>
                            {c.label}
                          </option>
                        ))}
                      </select>
                      messages per
                      <input
                        aria-label={`Cap ${i + 1} hours`}
                        inputMode="numeric"
                        value={cap.hours}
                        onChange={(e) => update({ hours: e.target.value })}
                        aria-invalid={!!fieldError(`frequencyCaps.${i}.hours`)}
                        className={smallControl(!!fieldError(`frequencyCaps.${i}.hours`), "w-20")}
                      />
                      hours
                      {described?.caps[i] && !errors.length ? (
                        <span className="text-xs text-stone-500">({described.caps[i]})</span>
                      ) : null}
                      {canManage ? (
                        <Button
                          variant="ghost"
                          className="ml-auto px-2 py-1.5"
                          onClick={() => setCaps((rows) => rows.filter((r) => r.key !== cap.key))}
                        >
                          <X className="h-4 w-4" aria-hidden="true" />
                          <span className="sr-only">Remove cap {i + 1}</span>
                        </Button>
                      ) : null}
                    </div>
                    {errors.length ? (
                      <p role="alert" className="mt-1 text-sm text-red-700">
                        {[
                          withName("Limit", fieldError(`frequencyCaps.${i}.limit`)),
                          withName("Channel", fieldError(`frequencyCaps.${i}.channel`)),
                          withName("Hours", fieldError(`frequencyCaps.${i}.hours`)),
                        ]
                          .filter(Boolean)
                          .join(" · ")}
                      </p>
                    ) : null}
                  </li>
                );
              })}
            </ul>
            {fieldError("frequencyCaps") ? (
              <ErrorLine>{withName("Caps", fieldError("frequencyCaps"))}</ErrorLine>
            ) : null}
            {canManage ? (
              <Button
                variant="secondary"
                className="mt-4"
                disabled={caps.length >= MAX_CAPS}
                onClick={() =>
                  setCaps((rows) => [
                    ...rows,
                    { key: nextKey.current++, channel: unusedChannel(rows), limit: "3", hours: "24" },
                  ])
                }
              >
                <Plus className="h-4 w-4" aria-hidden="true" />
                Add a cap
              </Button>
            ) : null}
          </Section>
        </Card>

        <Card
          title="Quiet hours"
          description="In each person’s own time zone. A message due during quiet hours waits until they end; it is never dropped."
        >
          <Section icon={Moon}>
            <label className="flex items-center gap-2 text-sm font-medium text-stone-800">
              <input
                type="checkbox"
                role="switch"
                checked={quietOn}
                onChange={(e) => setQuietOn(e.target.checked)}
                className="accent-brand-700"
              />
              Hold messages during quiet hours
            </label>
            {quietOn ? (
              <div className="mt-4 grid max-w-3xl gap-4 md:grid-cols-3">
                <TimeField
                  label="From"
                  value={start}
                  onChange={setStart}
                  error={withName("Start", fieldError("quietHours.start"))}
                />
                <TimeField
                  label="Until"
                  value={end}
                  onChange={setEnd}
                  error={withName("End", fieldError("quietHours.end"))}
                />
                <SelectField
                  label="Time zone for people without one"
                  value={fallbackTimeZone}
                  onChange={(e) => setFallbackTimeZone(e.target.value)}
                  error={withName("Time zone", fieldError("quietHours.fallbackTimeZone"))}
                >
                  {zones.map((zone) => (
                    <option key={zone} value={zone}>
                      {zone}
                    </option>
                  ))}
                </SelectField>
                <div className="md:col-span-3">
                  <ChannelChecks
                    legend="For these channels"
                    selected={quietChannels}
                    onChange={setQuietChannels}
                    error={withName("Channels", fieldError("quietHours.channels"))}
                  />
                </div>
              </div>
            ) : (
              <p className="mt-2 text-sm text-stone-500">Off: messages go out at any hour.</p>
            )}
          </Section>
        </Card>

        <Card
          title="Consent"
          description="Everyone who unsubscribed is skipped on every channel. For the channels ticked here, people must also have opted in explicitly."
        >
          <Section icon={ShieldCheck}>
            <ChannelChecks
              legend="Require opt-in for"
              selected={requireOptIn}
              onChange={setRequireOptIn}
              error={withName("Opt-in", fieldError("requireOptIn"))}
            />
            <p className="mt-2 text-xs text-stone-500">
              A person has opted in when their <code className="font-mono">&lt;channel&gt;_subscribe</code> trait is{" "}
              <code className="font-mono">&quot;opted_in&quot;</code> (e.g.{" "}
              <code className="font-mono">email_subscribe</code>), or they said so on the preference page.
            </p>
          </Section>
        </Card>
      </fieldset>

      {canManage ? (
        <div className="flex items-center gap-3">
          <Button type="submit" disabled={pending}>
            {pending ? "Saving…" : "Save rules"}
          </Button>
          {dirty ? (
            <span className="text-sm text-amber-700">Unsaved changes</span>
          ) : savedNotice ? (
            <span role="status" className="text-sm text-brand-700">
              Saved
            </span>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}

function unusedChannel(rows: CapRow[]): Channel {
  return CHANNELS.find((c) => !rows.some((r) => r.channel === c.value))?.value ?? "email";
}

function withName(name: string, message: string | undefined): string | undefined {
  if (!message) return undefined;
  return /^[a-z]/.test(message) ? `${name} ${message}` : message;
}

function smallControl(invalid: boolean, width: string): string {
  return `${width} rounded-md border-0 bg-white px-2.5 py-1.5 text-sm text-stone-900 shadow-sm ring-1 ring-inset outline-none focus:ring-2 focus:ring-brand-600 ${invalid ? "ring-red-400" : "ring-stone-300"}`;
}

function Section({ icon: Icon, children }: { icon: typeof Gauge; children: ReactNode }) {
  return (
    <div className="flex items-start gap-3">
      <Icon className="mt-0.5 h-5 w-5 shrink-0 text-stone-400" aria-hidden="true" />
      <div className="min-w-0 flex-1">{children}</div>
    </div>
  );
}

function ErrorLine({ children }: { children: ReactNode }) {
  return (
    <p role="alert" className="mt-1.5 text-sm text-red-700">
      {children}
    </p>
  );
}

function TimeField({
  label,
  value,
  onChange,
  error,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
}) {
  const id = useId();
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium text-stone-800">
        {label}
      </label>
      <input
        id={id}
        type="time"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={!!error}
        aria-describedby={error ? `${id}-error` : undefined}
        className={smallControl(!!error, "block w-full py-2")}
      />
      {error ? (
        <p id={`${id}-error`} role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function ChannelChecks({
  legend,
  selected,
  onChange,
  error,
}: {
  legend: string;
  selected: Channel[];
  onChange: (channels: Channel[]) => void;
  error?: string;
}) {
  return (
    <fieldset>
      <legend className="text-sm font-medium text-stone-800">{legend}</legend>
      <div className="mt-2 flex flex-wrap gap-x-5 gap-y-2">
        {CHANNELS.map((c) => (
          <label key={c.value} className="flex items-center gap-2 text-sm text-stone-700">
            <input
              type="checkbox"
              checked={selected.includes(c.value)}
              onChange={(e) =>
                onChange(e.target.checked ? [...selected, c.value] : selected.filter((v) => v !== c.value))
              }
              className="accent-brand-700"
            />
            {c.label}
          </label>
        ))}
      </div>
      {error ? <ErrorLine>{error}</ErrorLine> : null}
    </fieldset>
  );
}
