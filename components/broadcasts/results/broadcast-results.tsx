"use client";

import { Trophy } from "lucide-react";
import { type ReactNode, useEffect, useState } from "react";
import type { BroadcastResults as Results } from "@/lib/broadcasts/results/assemble-results";
import { api, type ApiError } from "../../api/client";
import { ArmsTable, correctionOf, GuardrailsTable, IncrementalityPanel } from "../../experiments/arms-table";
import { ExperimentBanners } from "../../experiments/banners";
import { Card } from "../../ui/card";
import { FormAlert } from "../../ui/field";
import { useViewerTimeZone } from "../../ui/local-time";
import { ResultsOverTime } from "./results-chart";
import {
  chartPoints,
  count,
  headlineCards,
  type Metric,
  METRIC_LABELS,
  money,
  rate,
  REFRESH_MS,
  shouldRefresh,
  VARIANT_COLUMN_LABELS,
  type VariantColumn,
  variantColumns,
  chartSeries,
  winnerLine,
} from "./results-view";

const NUM = "py-2.5 pl-3 text-right tabular-nums whitespace-nowrap";
const HEAD = "py-2 pl-3 text-right font-medium";

/**
 * A broadcast's results: the headline figures, a row per variant (and the holdout), the results over time, the
 * variants compared as a journey split is (the experiments' tables and banners, on the chosen metric) and the
 * winner after a test with its reason. Read-only, so viewers see all of it. It loads through the typed client and
 * asks again every 30 s while the broadcast may still change.
 */
export function BroadcastResults({ slug, broadcastId }: { slug: string; broadcastId: string }) {
  const [results, setResults] = useState<Results | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [metric, setMetric] = useState<Metric | null>(null);

  // every REFRESH_MS while the broadcast may change; a change of metric or broadcast loads at once
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    void api.broadcasts.results(slug, broadcastId, metric ? { metric } : {}, controller.signal).then((answer) => {
      if (controller.signal.aborted) return;
      if (answer.ok) {
        setResults(answer.data);
        setError(null);
      } else if (answer.error.code !== "aborted") setError(answer.error);
    });
    return () => controller.abort();
  }, [slug, broadcastId, metric, tick]);

  const live = results ? shouldRefresh(results.broadcast.status) : false;
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => setTick((t) => t + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, [live]);

  if (!results) {
    return error ? (
      <FormAlert message={error.message} />
    ) : (
      <p className="text-sm text-stone-500" data-testid="broadcast-results-loading">
        Loading results…
      </p>
    );
  }

  return <BroadcastResultsView results={results} error={error} onMetric={setMetric} />;
}

/** What BroadcastResults shows once it has an answer (apart, so it renders in a test without a server). */
export function BroadcastResultsView({
  results,
  error,
  onMetric,
}: {
  results: Results;
  error: ApiError | null;
  onMetric: (metric: Metric) => void;
}) {
  const timeZone = useViewerTimeZone() ?? "UTC";
  const winner = winnerLine(results);
  const stats = results.statistics;
  const points = chartPoints(results, timeZone);
  return (
    <div className="space-y-6" data-testid="broadcast-results">
      {error ? <FormAlert message={`Could not refresh: ${error.message}`} /> : null}
      <div className="grid grid-cols-2 gap-4 md:grid-cols-4">
        {headlineCards(results).map((card) => (
          <div
            key={card.id}
            className="rounded-xl bg-white px-5 py-4 shadow-sm ring-1 ring-stone-200"
            data-testid={`result-${card.id}`}
          >
            <div className="text-xs font-medium tracking-wide text-stone-500 uppercase">{card.label}</div>
            <div className="mt-1 text-2xl font-semibold text-stone-900 tabular-nums">{card.value}</div>
            <div className="mt-0.5 text-xs text-stone-500">{card.detail}</div>
          </div>
        ))}
      </div>

      {winner ? (
        <p
          data-testid="broadcast-winner"
          className="flex items-start gap-2 rounded-lg bg-brand-50 px-4 py-3 text-sm text-brand-900 ring-1 ring-brand-200"
        >
          {results.winner ? <Trophy className="mt-0.5 h-4 w-4 shrink-0" aria-hidden="true" /> : null}
          <span>{winner}</span>
        </p>
      ) : null}

      <Card title="Variants" description="Every person assigned a variant, whatever became of their message.">
        <VariantTable results={results} />
      </Card>

      <Card
        title="Over time"
        description="Sent, first opens, first clicks and first conversions: per hour for the first 48 hours, then per day."
      >
        {points.length ? (
          <ResultsOverTime
            points={points}
            series={chartSeries(results.broadcast.channel)}
            summary={
              results.broadcast.channel === "webhook"
                ? `Over time: ${count(results.totals.sent)} sent, ${count(results.totals.converted)} converted.`
                : `Over time: ${count(results.totals.sent)} sent, ${count(results.totals.opened)} opened, ${count(results.totals.clicked)} clicked, ${count(results.totals.converted)} converted.`
            }
          />
        ) : (
          <p className="text-sm text-stone-600">Nothing has been sent yet.</p>
        )}
      </Card>

      {stats ? (
        <Card
          title="Statistics"
          description={`${METRIC_LABELS[results.metric]} of each variant against ${stats.arms[0].label}, ${stats.test.label}, ${correctionOf(stats).label}-corrected${results.broadcast.testPercent !== null ? "; the test group only" : ""}.`}
          actions={
            <label className="flex items-center gap-2 text-sm text-stone-600">
              Compare on
              <select
                className="rounded-md border-stone-300 py-1 text-sm"
                value={results.metric}
                onChange={(e) => onMetric(e.target.value as Metric)}
                data-testid="results-metric"
              >
                {(results.broadcast.channel === "webhook"
                  ? (["conversion"] as Metric[])
                  : (Object.keys(METRIC_LABELS) as Metric[])
                ).map((m) => (
                  <option key={m} value={m}>
                    {METRIC_LABELS[m]}
                  </option>
                ))}
              </select>
            </label>
          }
        >
          <div className="space-y-5">
            <ExperimentBanners banners={stats.banners} />
            {results.metric !== "conversion" ? (
              <p className="text-xs text-stone-500">
                “Converted” below counts the people who {results.metric === "open" ? "opened" : "clicked"}.
              </p>
            ) : null}
            <ArmsTable result={stats} />
            <GuardrailsTable result={stats} />
            {stats.incrementality ? <IncrementalityPanel result={stats} /> : null}
          </div>
        </Card>
      ) : null}
    </div>
  );
}

function VariantTable({ results }: { results: Results }) {
  const { holdout } = results;
  const columns = variantColumns(results.broadcast.channel);
  const webhook = results.broadcast.channel === "webhook";
  const cell = (column: VariantColumn, v: Results["variants"][number]): ReactNode => {
    switch (column) {
      case "recipients":
        return count(v.audience);
      case "sent":
        return count(v.sent);
      case "delivered":
        return count(v.delivered);
      case "openRate":
        return rate(v.openRate);
      case "clickRate":
        return rate(v.clickRate);
      case "failed":
        return count(v.failed);
      case "retried":
        return count(v.retried);
      case "converted":
        return (
          <>
            {count(v.converted)} <span className="text-xs text-stone-500">({rate(v.conversionRate)})</span>
          </>
        );
      case "revenue":
        return money(v.revenue);
      case "unsubscribed":
        return count(v.unsubscribed);
      case "bounced":
        return count(v.bounced);
      case "notSent":
        // a webhook broadcast's failures have a column of their own
        return count(v.queued + v.suppressed + v.cancelled + (webhook ? 0 : v.failed));
    }
  };
  const holdoutCell = (column: VariantColumn): ReactNode => {
    if (!holdout) return null;
    if (column === "recipients") return count(holdout.audience);
    if (column === "converted")
      return (
        <>
          {count(holdout.converted)} <span className="text-xs text-stone-500">({rate(holdout.conversionRate)})</span>
        </>
      );
    if (column === "revenue") return money(holdout.revenue);
    return null;
  };
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid="variant-table">
        <thead className="text-xs tracking-wide text-stone-500 uppercase">
          <tr>
            <th scope="col" className="py-2 font-medium">
              Variant
            </th>
            {columns.map((c) => (
              <th key={c} scope="col" className={HEAD}>
                {VARIANT_COLUMN_LABELS[c]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {results.variants.map((v) => (
            <tr key={v.key} data-testid="variant-row" data-variant={v.key}>
              <th scope="row" className="py-2.5 font-medium text-stone-900">
                {v.label}
                <span className="ml-2 text-xs font-normal text-stone-500">{v.weight}%</span>
              </th>
              {columns.map((c) => (
                <td
                  key={c}
                  className={NUM}
                  title={
                    c === "notSent"
                      ? webhook
                        ? "queued, suppressed or cancelled"
                        : "queued, suppressed, failed or cancelled"
                      : undefined
                  }
                >
                  {cell(c, v)}
                </td>
              ))}
            </tr>
          ))}
          {holdout ? (
            <tr data-testid="variant-row" data-variant="holdout" className="text-stone-600">
              <th scope="row" className="py-2.5 font-medium">
                Holdout
                <span className="ml-2 text-xs font-normal text-stone-500">
                  {results.broadcast.holdoutPercent}%, sent nothing
                </span>
              </th>
              {columns.map((c) => (
                <td key={c} className={NUM}>
                  {holdoutCell(c) ?? (c === "sent" ? <span className="sr-only">no messages</span> : null)}
                </td>
              ))}
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}
