"use client";

import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { LiftPoint } from "@/lib/experiments/read-experiments";
import { formatDateTime } from "../ui/format";
import { useViewerTimeZone } from "../ui/local-time";
import { interval, signedPercent } from "./format";

export const ARM_COLORS = ["#157d6d", "#d97706", "#4f46e5", "#db2777", "#0891b2", "#65a30d"];

/** Short axis ticks ("6 Dec, 14:05") in the viewer's zone; the tooltip names the zone in full. */
const tickFormat = (timeZone: string) =>
  new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone });

/**
 * Cumulative lift of each treatment arm against control, one point per stored evaluation: the estimate as
 * a line and its (multiple-testing adjusted) confidence interval as a band. Points whose interval is unbounded show
 * the line only.
 */
export function LiftChart({
  history,
  arms,
  testLabel,
}: {
  history: LiftPoint[];
  arms: { id: string; label: string }[];
  testLabel: string;
}) {
  // the chart draws in the browser only, where the viewer's zone is known (UTC until hydrated)
  const timeZone = useViewerTimeZone() ?? "UTC";
  const dateTime = tickFormat(timeZone);
  const treatments = arms.slice(1);
  const data = history.map((point) => {
    const row: Record<string, unknown> = { t: new Date(point.computedAt).getTime() };
    for (const arm of treatments) {
      const a = point.arms.find((x) => x.armId === arm.id);
      if (!a || a.estimate === null) continue;
      row[`lift_${arm.id}`] = a.estimate * 100;
      if (a.ci && a.ci[0] !== null && a.ci[1] !== null) row[`band_${arm.id}`] = [a.ci[0] * 100, a.ci[1] * 100];
      row[`ci_${arm.id}`] = a.ci;
    }
    return row;
  });
  const plotted = data.filter((row) => treatments.some((arm) => row[`lift_${arm.id}`] !== undefined));
  // Early intervals are enormous (a handful of people): clip them so the estimates stay readable. A
  // relative lift is never below −100%; above, show up to three times the largest estimate (at least +100%).
  const estimates = plotted
    .flatMap((row) => treatments.map((arm) => row[`lift_${arm.id}`] as number | undefined))
    .filter((x): x is number => x !== undefined);
  const bands = plotted
    .flatMap((row) => treatments.map((arm) => row[`band_${arm.id}`] as [number, number] | undefined))
    .filter((x): x is [number, number] => x !== undefined);
  const cap = Math.max(100, 3 * Math.max(...estimates.map(Math.abs)));
  const low = Math.max(-100, Math.min(0, ...estimates, ...bands.map((b) => b[0])));
  const high = Math.min(cap, Math.max(0, ...estimates, ...bands.map((b) => b[1])));
  const domain: [number, number] = [Math.floor(low / 10) * 10, Math.ceil(high / 10) * 10];
  for (const row of plotted) {
    for (const arm of treatments) {
      const band = row[`band_${arm.id}`] as [number, number] | undefined;
      if (band) row[`band_${arm.id}`] = [Math.max(domain[0], band[0]), Math.min(domain[1], band[1])];
    }
  }
  if (!plotted.length) {
    return (
      <p
        className="rounded-lg bg-stone-50 px-4 py-8 text-center text-sm text-stone-500 ring-1 ring-stone-200"
        data-testid="lift-chart-empty"
      >
        The lift appears here once an evaluation has people and conversions in control and another arm.
      </p>
    );
  }
  return (
    <figure data-testid="lift-chart" aria-label={`Cumulative lift over time, ${testLabel} confidence band`}>
      <div className="h-72 w-full">
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={plotted} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e7e5e4" />
            <XAxis
              dataKey="t"
              type="number"
              scale="time"
              domain={["dataMin", "dataMax"]}
              tickFormatter={(t: number) => dateTime.format(t)}
              tick={{ fontSize: 11, fill: "#78716c" }}
              minTickGap={40}
            />
            <YAxis
              domain={domain}
              allowDataOverflow
              tickFormatter={(v: number) => `${v > 0 ? "+" : ""}${Math.round(v)}%`}
              tick={{ fontSize: 11, fill: "#78716c" }}
              width={56}
            />
            <ReferenceLine y={0} stroke="#a8a29e" strokeDasharray="4 4" />
            <Tooltip
              labelFormatter={(t) => formatDateTime(new Date(Number(t)), { timeZone })}
              formatter={(value, name, item) => {
                const key = String(item?.dataKey ?? "");
                if (key.startsWith("band_")) return [null, null];
                const armId = key.slice("lift_".length);
                const ci = (item?.payload as Record<string, unknown> | undefined)?.[`ci_${armId}`] as
                  | [number | null, number | null]
                  | null
                  | undefined;
                return [`${signedPercent(Number(value) / 100)} ${interval(ci ?? null)}`, name];
              }}
            />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {treatments.map((arm, i) => (
              <Area
                key={`band_${arm.id}`}
                dataKey={`band_${arm.id}`}
                name={`${arm.label} interval`}
                legendType="none"
                stroke="none"
                fill={ARM_COLORS[i % ARM_COLORS.length]}
                fillOpacity={0.15}
                isAnimationActive={false}
                connectNulls
              />
            ))}
            {treatments.map((arm, i) => (
              <Line
                key={`lift_${arm.id}`}
                dataKey={`lift_${arm.id}`}
                name={`${arm.label} vs ${arms[0].label}`}
                stroke={ARM_COLORS[i % ARM_COLORS.length]}
                strokeWidth={2}
                dot={{ r: 2.5 }}
                isAnimationActive={false}
                connectNulls
              />
            ))}
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="mt-2 text-xs text-stone-500">
        Relative lift in conversion rate against {arms[0].label}, with its {testLabel} confidence band, at each
        evaluation (every 15 minutes). Bands wider than the chart are cut at its edges.
      </figcaption>
    </figure>
  );
}
