"use client";

import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";
import { COLORS } from "../../dashboards/colors";
import { count } from "./results-view";

const AXIS = { fontSize: 12, fill: "#78716c" };
const SERIES = [
  { key: "sent", label: "Sent", color: COLORS.sent },
  { key: "opened", label: "Opened", color: COLORS.delivered },
  { key: "clicked", label: "Clicked", color: COLORS.clicked },
  { key: "converted", label: "Converted", color: COLORS.revenue, dashed: true },
] as const;

/**
 * Sends, first opens, first clicks and first conversions over time (an hour per point for the first 48 hours, then a
 * day), in the dashboards' chart style. The table beside it has the same numbers, so the label says it in words.
 */
export function ResultsOverTime({
  points,
  series = ["sent", "opened", "clicked", "converted"],
  summary,
}: {
  points: { label: string; sent: number; opened: number; clicked: number; converted: number }[];
  /** the lines drawn (a webhook broadcast has no opens or clicks) */
  series?: (typeof SERIES)[number]["key"][];
  summary: string;
}) {
  return (
    <div role="img" aria-label={summary} data-testid="broadcast-results-chart">
      <LineChart
        responsive
        style={{ width: "100%", height: 260 }}
        data={points}
        margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
        accessibilityLayer={false}
      >
        <CartesianGrid vertical={false} stroke="#f0efed" />
        <XAxis dataKey="label" tick={AXIS} tickLine={false} axisLine={{ stroke: "#e7e5e4" }} minTickGap={24} />
        <YAxis
          allowDecimals={false}
          tick={AXIS}
          tickLine={false}
          axisLine={false}
          width={56}
          tickFormatter={(v: number) => count(v)}
        />
        <Tooltip isAnimationActive={false} formatter={(v) => count(Number(v ?? 0))} />
        <Legend iconType="circle" iconSize={8} wrapperStyle={{ fontSize: 12, color: "#57534e" }} />
        {SERIES.filter((s) => series.includes(s.key)).map((s) => (
          <Line
            key={s.key}
            type="monotone"
            dataKey={s.key}
            name={s.label}
            stroke={s.color}
            strokeWidth={2}
            strokeDasharray={"dashed" in s ? "6 4" : undefined}
            dot={points.length <= 60 ? { r: 2.5, strokeWidth: 0, fill: s.color } : false}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </div>
  );
}
