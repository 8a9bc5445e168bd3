"use client";

import { Bar, BarChart, Tooltip, XAxis, type BarShapeProps, type TooltipContentProps } from "recharts";
import { formatCount, formatDay } from "./format";

type Day = { day: string; count: number };

/** A 30-day bar sparkline of one event's daily volume (UTC days), with the exact count on hover. */
export function VolumeChart({ name, daily }: { name: string; daily: Day[] }) {
  const total = daily.reduce((sum, d) => sum + d.count, 0);
  const peak = daily.reduce<Day | null>(
    (best, d) => (d.count > 0 && (!best || d.count >= best.count) ? d : best),
    null,
  );
  const summary = peak
    ? `${name}: ${formatCount(total)} in the last 30 days, most on ${formatDay(peak.day)} (${formatCount(peak.count)}).`
    : `${name}: none in the last 30 days.`;
  return (
    <div className="w-44">
      <div role="img" aria-label={summary} className="h-10">
        <BarChart
          width={176}
          height={40}
          data={daily}
          margin={{ top: 2, right: 0, bottom: 0, left: 0 }}
          barCategoryGap={1}
          accessibilityLayer={false}
        >
          <XAxis dataKey="day" hide />
          <Tooltip
            content={DayTooltip}
            cursor={false}
            isAnimationActive={false}
            allowEscapeViewBox={{ x: true, y: true }}
            wrapperStyle={{ zIndex: 10 }}
          />
          <Bar dataKey="count" shape={TrackBar} isAnimationActive={false} />
        </BarChart>
      </div>
      <div className="mt-1 flex justify-between text-[11px] text-stone-400" aria-hidden="true">
        <span>{daily.length ? formatDay(daily[0].day) : null}</span>
        <span>Today</span>
      </div>
    </div>
  );
}

/**
 * Each day as a light track with the day's bar in it. A custom shape, because Recharts leaves out zero-height
 * bars (and their backgrounds), and empty days should still read as days.
 */
function TrackBar({ x, y, width, height, background }: BarShapeProps) {
  return (
    <g>
      <rect x={x} y={background?.y ?? 0} width={width} height={background?.height ?? 0} rx={1} fill="#efeeec" />
      {height > 0 ? <rect x={x} y={y} width={width} height={height} rx={1} fill="#1f9a86" /> : null}
    </g>
  );
}

function DayTooltip({ active, payload }: TooltipContentProps) {
  const entry = payload?.[0]?.payload as Day | undefined;
  if (!active || !entry) return null;
  return (
    <div className="rounded-md bg-stone-900 px-2 py-1 text-xs whitespace-nowrap text-white shadow">
      {formatDay(entry.day)}: <strong className="font-semibold">{formatCount(entry.count)}</strong>
    </div>
  );
}
