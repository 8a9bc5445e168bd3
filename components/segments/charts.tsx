"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
} from "recharts";
import { formatCount, formatDay } from "../events/format";
import { plural } from "../ui/format";

/**
 * Segment charts (Recharts): a size sparkline for the list, the size trend and entries/exits per day for the
 * segment page. Each sits in a role="img" box whose label says in words what it shows. Days are UTC.
 */

export interface SizePoint {
  day: string;
  size: number;
}
export interface FlowPoint {
  day: string;
  entries: number;
  exits: number;
}

const AXIS = { fontSize: 12, fill: "#78716c" };
const BRAND = "#1f9a86";
const EXIT = "#d97706";

/** The list's size-over-time line, with the day's size on hover. */
export function SizeSparkline({ name, points }: { name: string; points: SizePoint[] }) {
  if (points.length < 2)
    return <span className="text-xs text-stone-400">{points.length ? "Since today" : "No history yet"}</span>;
  const first = points[0];
  const last = points[points.length - 1];
  const summary = `${name}: ${formatCount(first.size)} on ${formatDay(first.day)}, ${formatCount(last.size)} on ${formatDay(last.day)}.`;
  return (
    <div role="img" aria-label={summary} className="h-8 w-32" data-testid="size-sparkline">
      <LineChart
        width={128}
        height={32}
        data={points}
        margin={{ top: 3, right: 2, bottom: 3, left: 2 }}
        accessibilityLayer={false}
      >
        <YAxis hide domain={["dataMin", "dataMax"]} />
        <XAxis dataKey="day" hide />
        <Tooltip
          content={SizeTooltip}
          cursor={false}
          isAnimationActive={false}
          allowEscapeViewBox={{ x: true, y: true }}
          wrapperStyle={{ zIndex: 10 }}
        />
        <Line type="monotone" dataKey="size" stroke={BRAND} strokeWidth={1.75} dot={false} isAnimationActive={false} />
      </LineChart>
    </div>
  );
}

function SizeTooltip({ active, payload }: TooltipContentProps) {
  const entry = payload?.[0]?.payload as SizePoint | undefined;
  if (!active || !entry) return null;
  return (
    <div className="rounded-md bg-stone-900 px-2 py-1 text-xs whitespace-nowrap text-white shadow">
      {formatDay(entry.day)}: <strong className="font-semibold">{formatCount(entry.size)}</strong>
    </div>
  );
}

function FlowTooltip({ active, payload, label }: TooltipContentProps) {
  if (!active || !payload?.length) return null;
  const row = payload[0].payload as Record<string, number>;
  return (
    <div className="rounded-md bg-stone-900 px-3 py-2 text-xs text-white shadow-lg">
      <div className="mb-1 font-semibold">{formatDay(String(label))}</div>
      {"size" in row ? (
        <div>
          Size: <strong className="tabular-nums">{formatCount(row.size)}</strong>
        </div>
      ) : null}
      {"entries" in row ? (
        <div>
          Entered: <strong className="tabular-nums">{formatCount(row.entries)}</strong>
        </div>
      ) : null}
      {"exits" in row ? (
        <div>
          Left: <strong className="tabular-nums">{formatCount(row.exits)}</strong>
        </div>
      ) : null}
    </div>
  );
}

/** The segment page's size per day. */
export function SizeTrend({ points }: { points: SizePoint[] }) {
  const last = points[points.length - 1];
  const summary = points.length
    ? `Size over the last ${plural(points.length, "day")}, from ${formatCount(points[0].size)} to ${formatCount(last.size)}.`
    : "No size history yet.";
  return (
    <div role="img" aria-label={summary} data-testid="size-trend">
      <LineChart
        responsive
        style={{ width: "100%", height: 220 }}
        data={points}
        margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
        accessibilityLayer={false}
      >
        <CartesianGrid vertical={false} stroke="#f0efed" />
        <XAxis
          dataKey="day"
          tickFormatter={formatDay}
          tick={AXIS}
          tickLine={false}
          axisLine={{ stroke: "#e7e5e4" }}
          minTickGap={24}
        />
        <YAxis
          allowDecimals={false}
          tick={AXIS}
          tickLine={false}
          axisLine={false}
          width={48}
          tickFormatter={(v: number) => formatCount(v)}
        />
        <Tooltip content={FlowTooltip} isAnimationActive={false} />
        <Line
          type="monotone"
          dataKey="size"
          name="Size"
          stroke={BRAND}
          strokeWidth={2}
          dot={points.length <= 31 ? { r: 2.5, strokeWidth: 0, fill: BRAND } : false}
          isAnimationActive={false}
        />
      </LineChart>
    </div>
  );
}

/** People who entered and left, per day. */
export function EntriesExits({ points }: { points: FlowPoint[] }) {
  const entries = points.reduce((s, p) => s + p.entries, 0);
  const exits = points.reduce((s, p) => s + p.exits, 0);
  const summary = `Over the last ${plural(points.length, "day")}, ${formatCount(entries)} entered and ${formatCount(exits)} left.`;
  return (
    <div role="img" aria-label={summary} data-testid="entries-exits">
      <BarChart
        responsive
        style={{ width: "100%", height: 220 }}
        data={points}
        margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
        barCategoryGap="20%"
        accessibilityLayer={false}
      >
        <CartesianGrid vertical={false} stroke="#f0efed" />
        <XAxis
          dataKey="day"
          tickFormatter={formatDay}
          tick={AXIS}
          tickLine={false}
          axisLine={{ stroke: "#e7e5e4" }}
          minTickGap={24}
        />
        <YAxis
          allowDecimals={false}
          tick={AXIS}
          tickLine={false}
          axisLine={false}
          width={48}
          tickFormatter={(v: number) => formatCount(v)}
        />
        <Tooltip content={FlowTooltip} cursor={{ fill: "#f5f5f4" }} isAnimationActive={false} />
        <Legend iconType="circle" iconSize={8} wrapperStyle={{ fontSize: 12, color: "#57534e" }} />
        <Bar dataKey="entries" name="Entered" fill={BRAND} radius={[2, 2, 0, 0]} isAnimationActive={false} />
        <Bar dataKey="exits" name="Left" fill={EXIT} radius={[2, 2, 0, 0]} isAnimationActive={false} />
      </BarChart>
    </div>
  );
}
