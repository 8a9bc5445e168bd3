"use client";

import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from "recharts";
import type { AudienceEstimate } from "@/lib/broadcasts/broadcast-views";
import { formatCount } from "../events/format";
import { plural } from "../ui/format";

const BRAND = "#1f9a86";
const AXIS = { fontSize: 11, fill: "#78716c" };

/** The steps that never stop a webhook (it goes to the broadcast's URL, not to the person): left out, not shown as 0. */
const NOT_FOR_WEBHOOKS = new Set([
  "estimate-no-address",
  "estimate-suppressed",
  "estimate-unsubscribed-topic",
  "estimate-no-consent",
  "estimate-capped",
]);

/**
 * Who the broadcast reaches, step by step: from the segments' members down to "will be sent". Each row that
 * removes people says why, so a marketer sees where the audience went.
 */
export function EstimateBreakdown({ estimate, stale }: { estimate: AudienceEstimate; stale: boolean }) {
  const rows: { label: string; value: number; minus: boolean; testId: string }[] = [
    { label: "In the segments", value: estimate.inSegments, minus: false, testId: "estimate-in-segments" },
    { label: "In an excluded segment", value: estimate.excluded, minus: true, testId: "estimate-excluded" },
    { label: "No address for the channel", value: estimate.noContactPoint, minus: true, testId: "estimate-no-address" },
    {
      label: "Suppressed (bounced, complained)",
      value: estimate.suppressed,
      minus: true,
      testId: "estimate-suppressed",
    },
    {
      label: "Unsubscribed from the topic",
      value: estimate.unsubscribedFromTopic,
      minus: true,
      testId: "estimate-unsubscribed-topic",
    },
    { label: "Unsubscribed or no consent", value: estimate.noConsent, minus: true, testId: "estimate-no-consent" },
    { label: "Over a frequency cap now", value: estimate.frequencyCapped, minus: true, testId: "estimate-capped" },
    { label: "Held out", value: estimate.holdout, minus: true, testId: "estimate-holdout" },
  ].filter((r) => estimate.channel !== "webhook" || !NOT_FOR_WEBHOOKS.has(r.testId));
  return (
    <div className={stale ? "opacity-60 transition-opacity" : "transition-opacity"} aria-busy={stale}>
      <dl className="divide-y divide-stone-100 text-sm">
        {rows.map((r) => (
          <div key={r.label} className="flex justify-between py-1.5">
            <dt className="text-stone-600">{r.label}</dt>
            <dd
              className={`tabular-nums ${r.minus && r.value ? "text-stone-700" : "text-stone-900"}`}
              data-testid={r.testId}
            >
              {r.minus ? (r.value ? `− ${formatCount(r.value)}` : "0") : formatCount(r.value)}
            </dd>
          </div>
        ))}
        <div className="flex justify-between py-2 text-base font-semibold">
          <dt className="text-stone-900">Will be sent</dt>
          <dd className="text-brand-800 tabular-nums" data-testid="estimate-will-be-sent">
            {formatCount(estimate.willBeSent)}
          </dd>
        </div>
      </dl>
      {estimate.hours?.length ? <SendHoursChart hours={estimate.hours} timezone={estimate.timezone} /> : null}
    </div>
  );
}

/** For a local-time send: how many messages go out in each hour, on the workspace's clock. */
function SendHoursChart({ hours, timezone }: { hours: NonNullable<AudienceEstimate["hours"]>; timezone: string }) {
  const data = hours.map((h) => ({ label: h.local.slice(5), count: h.count, utc: h.utc }));
  const first = hours[0];
  const last = hours[hours.length - 1];
  const summary = `${plural(hours.length, "hour")} of sending, from ${first.local} to ${last.local} (${timezone}).`;
  return (
    <div className="mt-4">
      <h3 className="text-sm font-medium text-stone-800">When they go out ({timezone})</h3>
      <div role="img" aria-label={summary} className="mt-2" data-testid="send-hours-chart">
        <BarChart width={340} height={160} data={data} margin={{ top: 5, right: 5, bottom: 5, left: 0 }}>
          <CartesianGrid vertical={false} stroke="#e7e5e4" />
          <XAxis dataKey="label" tick={AXIS} interval="preserveStartEnd" />
          <YAxis tick={AXIS} width={40} allowDecimals={false} />
          <Tooltip
            isAnimationActive={false}
            formatter={(value) => [formatCount(Number(value)), "messages"]}
            labelFormatter={(label) => `${label} (${timezone})`}
          />
          <Bar dataKey="count" fill={BRAND} isAnimationActive={false} />
        </BarChart>
      </div>
      <p className="mt-1 text-xs text-stone-500">{summary}</p>
    </div>
  );
}
