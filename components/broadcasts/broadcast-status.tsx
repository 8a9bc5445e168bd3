"use client";

import { ArrowLeft, CalendarX, Copy, Pause, Play, XCircle } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { Fragment, useEffect, useState, type ReactNode } from "react";
import type { BroadcastDetail } from "@/lib/broadcasts/broadcast-views";
import { api } from "../api/client";
import { formatCount } from "../events/format";
import { Button } from "../ui/button";
import { Badge } from "../ui/card";
import { FormAlert } from "../ui/field";
import { plural } from "../ui/format";
import { LocalTime } from "../ui/local-time";
import {
  CHANNEL_LABELS,
  METRIC_LABELS,
  progressCounts,
  progressPercent,
  scheduleText,
  statusLabel,
  statusTone,
} from "./model";
import { type Control, ControlDialog } from "./control-dialog";
import type { SendPolicy } from "./review-panel";

/** How often the page asks again while the broadcast sends, and while it waits for its time. */
const POLL_SENDING_MS = 3_000;
const POLL_SCHEDULED_MS = 15_000;

/**
 * A broadcast that is scheduled, sending, paused, sent or cancelled: its status, a progress bar with the exact
 * counts, the estimated finish when throttled, and Pause / Resume / Cancel / Unschedule (each confirmed), then
 * the results (`results`, rendered by the page). Refreshes itself while it sends; stops once it is done.
 */
export function BroadcastStatus({
  slug,
  broadcast: initial,
  canEdit,
  policy,
  results,
}: {
  slug: string;
  broadcast: BroadcastDetail;
  canEdit: boolean;
  policy: SendPolicy;
  results: ReactNode;
}) {
  const router = useRouter();
  const [broadcast, setBroadcast] = useState(initial);
  const [pollError, setPollError] = useState<string | null>(null);
  const [asking, setAsking] = useState<Control | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const status = broadcast.status;

  useEffect(() => {
    const every = status === "SENDING" ? POLL_SENDING_MS : status === "SCHEDULED" ? POLL_SCHEDULED_MS : null;
    if (!every) return;
    const timer = setInterval(async () => {
      const result = await api.broadcasts.get(slug, broadcast.id);
      if (result.ok) {
        setBroadcast(result.data);
        setPollError(null);
      } else setPollError(result.error.message);
    }, every);
    return () => clearInterval(timer);
  }, [slug, broadcast.id, status]);

  const counts = progressCounts(broadcast.progress.total);
  const percent = progressPercent(counts);
  const mayControl = canEdit && policy.maySend;

  async function duplicate() {
    const result = await api.broadcasts.duplicate(slug, broadcast.id);
    if (result.ok) router.push(`/w/${slug}/broadcasts/${result.data.id}`);
    else setOutcome(result.error.message);
  }

  return (
    <div className="space-y-6">
      <div>
        <Link
          href={`/w/${slug}/broadcasts`}
          className="inline-flex items-center gap-1 text-sm text-stone-600 hover:text-stone-900"
        >
          <ArrowLeft className="h-4 w-4" aria-hidden="true" /> Broadcasts
        </Link>
        <header className="mt-2 flex flex-wrap items-end justify-between gap-4 border-b border-stone-200 pb-5">
          <div>
            <h1 className="text-2xl font-semibold tracking-tight text-stone-900">{broadcast.name}</h1>
            <p className="mt-1 flex flex-wrap items-center gap-2 text-sm text-stone-600">
              <span data-testid="broadcast-status">
                <Badge tone={statusTone(status)}>
                  {statusLabel({ ...broadcast, progress: status === "SENDING" ? counts : null })}
                </Badge>
              </span>
              {CHANNEL_LABELS[broadcast.channel]}
              {broadcast.sentBy ? <> · sent by {broadcast.sentBy}</> : null}
              {broadcast.startedAt ? (
                <>
                  {" "}
                  · started <LocalTime iso={broadcast.startedAt} />
                </>
              ) : null}
              {broadcast.completedAt ? (
                <>
                  {" "}
                  · finished <LocalTime iso={broadcast.completedAt} />
                </>
              ) : null}
            </p>
          </div>
          <div className="flex items-center gap-2">
            {mayControl && status === "SENDING" ? (
              <Button variant="secondary" onClick={() => setAsking("pause")}>
                <Pause className="h-4 w-4" aria-hidden="true" /> Pause
              </Button>
            ) : null}
            {mayControl && status === "PAUSED" ? (
              <Button onClick={() => setAsking("resume")}>
                <Play className="h-4 w-4" aria-hidden="true" /> Resume
              </Button>
            ) : null}
            {mayControl && status === "SCHEDULED" ? (
              <Button variant="secondary" onClick={() => setAsking("unschedule")}>
                <CalendarX className="h-4 w-4" aria-hidden="true" /> Unschedule
              </Button>
            ) : null}
            {mayControl && (status === "SENDING" || status === "PAUSED" || status === "SCHEDULED") ? (
              <Button variant="danger" onClick={() => setAsking("cancel")}>
                <XCircle className="h-4 w-4" aria-hidden="true" /> Cancel
              </Button>
            ) : null}
            {canEdit ? (
              <Button variant="secondary" onClick={() => void duplicate()}>
                <Copy className="h-4 w-4" aria-hidden="true" /> Duplicate
              </Button>
            ) : null}
          </div>
        </header>
        {canEdit && !policy.maySend && status !== "SENT" && status !== "CANCELLED" ? (
          <p className="mt-2 text-xs text-amber-800">{policy.reason}</p>
        ) : null}
      </div>

      {outcome ? (
        <p
          role="status"
          className="rounded-md bg-stone-50 px-3 py-2 text-sm text-stone-800 ring-1 ring-stone-200 ring-inset"
        >
          {outcome}
        </p>
      ) : null}
      <FormAlert message={pollError ? `Could not refresh: ${pollError}` : null} />

      {status === "SCHEDULED" ? (
        <div
          className="rounded-xl bg-amber-50 px-6 py-4 text-sm text-amber-900 ring-1 ring-amber-200"
          data-testid="scheduled"
        >
          Goes out {broadcast.scheduleKind === "local" ? "on " : ""}
          <span className="font-medium">{scheduleText(broadcast)}</span>.
          {broadcast.progress.estimatedFinishAt ? (
            <>
              {" "}
              At the set pace it should finish by <LocalTime iso={broadcast.progress.estimatedFinishAt} />.
            </>
          ) : null}
        </div>
      ) : (
        <ProgressCard broadcast={broadcast} percent={percent} counts={counts} />
      )}

      <Settings broadcast={broadcast} slug={slug} />

      {/* keyed by the status, so the results load afresh when the send ends (they refresh slowly on their own) */}
      {status === "SCHEDULED" ? null : <Fragment key={status}>{results}</Fragment>}

      {asking ? (
        <ControlDialog
          slug={slug}
          broadcast={broadcast}
          control={asking}
          onClose={() => setAsking(null)}
          onDone={(next, text) => {
            setAsking(null);
            setOutcome(text);
            if (next.status === "DRAFT") router.refresh();
            else setBroadcast(next);
          }}
        />
      ) : null}
    </div>
  );
}

function ProgressCard({
  broadcast,
  percent,
  counts,
}: {
  broadcast: BroadcastDetail;
  percent: number;
  counts: ReturnType<typeof progressCounts>;
}) {
  const p = broadcast.progress;
  const items = [
    { label: "Sent", value: counts.sent, testId: "count-sent" },
    { label: "Pending", value: counts.pending, testId: "count-pending" },
    { label: "Cancelled", value: counts.cancelled, testId: "count-cancelled" },
    { label: "Suppressed", value: counts.suppressed, testId: "count-suppressed" },
    { label: "Failed", value: counts.failed, testId: "count-failed" },
    { label: "Held out", value: p.holdout, testId: "count-holdout" },
  ];
  return (
    <section aria-label="Progress" className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-stone-200">
      <div className="flex items-baseline justify-between">
        <h2 className="text-base font-semibold text-stone-900">Progress</h2>
        <span className="text-sm text-stone-600 tabular-nums">{percent} %</span>
      </div>
      <div
        className="mt-3 h-2.5 overflow-hidden rounded-full bg-stone-100"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-label="Messages settled"
      >
        <div className="h-full rounded-full bg-brand-600 transition-all" style={{ width: `${percent}%` }} />
      </div>
      <dl className="mt-4 grid grid-cols-3 gap-4 sm:grid-cols-6">
        {items.map((i) => (
          <div key={i.label}>
            <dt className="text-xs text-stone-500">{i.label}</dt>
            <dd className="text-lg font-semibold text-stone-900 tabular-nums" data-testid={i.testId}>
              {formatCount(i.value)}
            </dd>
          </div>
        ))}
      </dl>
      <p className="mt-3 text-xs text-stone-500">
        {broadcast.status === "SENDING" && !p.audienceDone
          ? "Still adding people to the audience; the counts grow until everyone is in. "
          : null}
        {p.estimatedFinishAt ? (
          <>
            At the set pace it should finish by <LocalTime iso={p.estimatedFinishAt} />.
          </>
        ) : null}
      </p>
      {p.variants.length > 1 ? (
        <table className="mt-4 w-full text-left text-sm">
          <thead className="text-xs tracking-wide text-stone-500 uppercase">
            <tr>
              <th className="py-1.5 font-medium">Variant</th>
              <th className="py-1.5 text-right font-medium">Sent</th>
              <th className="py-1.5 text-right font-medium">Pending</th>
              <th className="py-1.5 text-right font-medium">Suppressed</th>
              <th className="py-1.5 text-right font-medium">Failed</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {p.variants.map((v) => {
              const c = progressCounts(v);
              return (
                <tr key={v.variant}>
                  <td className="py-1.5 font-medium text-stone-900">
                    {v.variant}
                    {broadcast.winnerVariant === v.variant ? (
                      <span className="ml-2">
                        <Badge tone="brand">Winner</Badge>
                      </span>
                    ) : null}
                  </td>
                  <td className="py-1.5 text-right tabular-nums">{formatCount(c.sent)}</td>
                  <td className="py-1.5 text-right tabular-nums">{formatCount(c.pending)}</td>
                  <td className="py-1.5 text-right tabular-nums">{formatCount(c.suppressed)}</td>
                  <td className="py-1.5 text-right tabular-nums">{formatCount(c.failed)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

/** What was sent to whom: the settings the broadcast went out with, read-only. */
function Settings({ broadcast: b, slug }: { broadcast: BroadcastDetail; slug: string }) {
  const segments = (list: BroadcastDetail["segments"]) =>
    list.length
      ? list.map((s, i) => (
          <span key={s.id}>
            {i ? ", " : ""}
            <Link href={`/w/${slug}/segments/${s.id}`} className="text-brand-700 hover:underline">
              {s.name ?? "a deleted segment"}
            </Link>
          </span>
        ))
      : "none";
  const rows: [string, ReactNode][] = [
    ["Audience", segments(b.segments)],
    ["Left out", segments(b.excludedSegments)],
    [
      b.variants.length > 1 ? "Variants" : "Template",
      b.variants.map((v, i) => (
        <span key={v.key}>
          {i ? ", " : ""}
          {b.variants.length > 1 ? `${v.key} (${v.weight} %): ` : ""}
          <Link href={`/w/${slug}/templates/${v.templateId}`} className="text-brand-700 hover:underline">
            {v.templateName ?? "a deleted template"}
          </Link>
        </span>
      )),
    ],
    ["Holdout", `${b.holdoutPercent} %`],
  ];
  if (b.testPercent != null && b.winnerMetric && b.winnerAfterHours != null)
    rows.push([
      "Winner test",
      `${b.testPercent} % first; the winner by ${METRIC_LABELS[b.winnerMetric]} to the rest after ${plural(b.winnerAfterHours, "hour")}${b.winnerVariant ? ` — ${b.winnerVariant} won` : ""}`,
    ]);
  if (b.conversionEvent)
    rows.push(["Conversion", `${b.conversionEvent} within ${plural(b.conversionWindowHours, "hour")}`]);
  if (b.throttlePerMinute) rows.push(["Pace", `at most ${plural(b.throttlePerMinute, "message")} a minute`]);
  return (
    <section aria-label="Settings" className="rounded-xl bg-white px-6 py-4 shadow-sm ring-1 ring-stone-200">
      <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]">
        {rows.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-stone-500">{label}</dt>
            <dd className="text-stone-900">{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
