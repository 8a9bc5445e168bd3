"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  LabelList,
  Legend,
  Line,
  LineChart,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
} from "recharts";
import { formatCount, formatDay } from "../events/format";
import { COLORS } from "./colors";
import { formatMoney } from "./parts";
import { formatPercent } from "./range";

/**
 * The dashboards' charts (Recharts). Each sits in a role="img" box whose label says in words what it shows,
 * and the page has the same numbers in tables, so nothing depends on seeing the chart. Days are UTC.
 */

const AXIS = { fontSize: 12, fill: "#78716c" };
/** Every bar carries its value, so the chart reads without hovering (and in a screenshot or a print). */
const BAR_LABEL = { fontSize: 11, fill: "#44403c" };
/** Past a month of daily bars the labels stand upright, or neighbours would overlap. */
const MANY_BARS = 31;
const countLabel = (v: unknown) => formatCount(Number(v ?? 0));
const percentLabel = (v: unknown) => formatPercent(Number(v ?? 0));
const moneyLabel = (v: unknown) => formatMoney(Number(v ?? 0));
const labelFor = (series: Series) => (series.format === "money" ? moneyLabel : countLabel);
const chartStyle = (height: number) => ({ width: "100%", height });

interface Series {
  key: string;
  label: string;
  color: string;
  /** dashed, so a line that coincides with another stays visible */
  dashed?: boolean;
  /** how a bar's label writes its value: counts by default, "money" for revenue (a name, not a function: the
   * series comes from server components, which cannot pass functions to this client one) */
  format?: "money";
}

function SeriesTooltip({
  active,
  payload,
  label,
  series,
  format,
}: TooltipContentProps & { series: Series[]; format: (label: string) => string }) {
  if (!active || !payload?.length) return null;
  const row = payload[0].payload as Record<string, number>;
  return (
    <div className="rounded-md bg-stone-900 px-3 py-2 text-xs text-white shadow-lg">
      <div className="mb-1 font-semibold">{format(String(label))}</div>
      {series.map((s) => (
        <div key={s.key} className="flex items-center gap-2 whitespace-nowrap">
          <span className="h-2 w-2 rounded-full" style={{ background: s.color }} aria-hidden="true" />
          {s.label}: <strong className="font-semibold tabular-nums">{formatCount(row[s.key] ?? 0)}</strong>
        </div>
      ))}
    </div>
  );
}

/** A value per day as bars (e.g. events per day). */
export function DailyBars({
  data,
  series,
  summary,
  testId,
  height = 220,
}: {
  data: Record<string, number | string>[];
  series: Series;
  summary: string;
  testId: string;
  height?: number;
}) {
  return (
    <div role="img" aria-label={summary} data-testid={testId}>
      <BarChart
        responsive
        style={chartStyle(height)}
        data={data}
        margin={{ top: data.length > MANY_BARS ? 36 : 20, right: 8, bottom: 0, left: 0 }}
        barCategoryGap="15%"
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
        <Tooltip
          content={(props) => <SeriesTooltip {...props} series={[series]} format={formatDay} />}
          cursor={{ fill: "#f5f5f4" }}
          isAnimationActive={false}
        />
        <Bar
          dataKey={series.key}
          name={series.label}
          fill={series.color}
          radius={[2, 2, 0, 0]}
          maxBarSize={48}
          isAnimationActive={false}
        >
          {data.length > MANY_BARS ? (
            <LabelList
              dataKey={series.key}
              position="top"
              angle={-90}
              offset={14}
              {...BAR_LABEL}
              fontSize={9}
              formatter={labelFor(series)}
            />
          ) : (
            <LabelList dataKey={series.key} position="top" {...BAR_LABEL} formatter={labelFor(series)} />
          )}
        </Bar>
      </BarChart>
    </div>
  );
}

/** Several values per day as lines (e.g. entered, sent, conversions). */
export function DailyLines({
  data,
  series,
  summary,
  testId,
  height = 240,
}: {
  data: Record<string, number | string>[];
  series: Series[];
  summary: string;
  testId: string;
  height?: number;
}) {
  return (
    <div role="img" aria-label={summary} data-testid={testId}>
      <LineChart
        responsive
        style={chartStyle(height)}
        data={data}
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
        <Tooltip
          content={(props) => <SeriesTooltip {...props} series={series} format={formatDay} />}
          isAnimationActive={false}
        />
        <Legend iconType="circle" iconSize={8} itemSorter={null} wrapperStyle={{ fontSize: 12, color: "#57534e" }} />
        {series.map((s) => (
          <Line
            key={s.key}
            type="monotone"
            dataKey={s.key}
            name={s.label}
            stroke={s.color}
            strokeWidth={2}
            strokeDasharray={s.dashed ? "6 4" : undefined}
            dot={data.length <= 31 ? { r: 2.5, strokeWidth: 0, fill: s.color } : false}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </div>
  );
}

/** Messages per channel, one bar per stage. */
export function ChannelStages({
  data,
  summary,
  testId,
}: {
  data: { label: string; sent: number; delivered: number; opened: number; clicked: number; notDelivered: number }[];
  summary: string;
  testId: string;
}) {
  const series: Series[] = [
    { key: "sent", label: "Sent", color: "#44403c" },
    { key: "delivered", label: "Delivered", color: COLORS.delivered },
    { key: "opened", label: "Opened", color: COLORS.opened },
    { key: "clicked", label: "Clicked", color: COLORS.clicked },
    { key: "notDelivered", label: "Bounced or failed", color: COLORS.notDelivered },
  ];
  return (
    <div role="img" aria-label={summary} data-testid={testId}>
      <BarChart
        responsive
        style={chartStyle(240)}
        data={data}
        margin={{ top: 20, right: 8, bottom: 0, left: 0 }}
        barGap={2}
        barCategoryGap="25%"
        accessibilityLayer={false}
      >
        <CartesianGrid vertical={false} stroke="#f0efed" />
        <XAxis dataKey="label" tick={AXIS} tickLine={false} axisLine={{ stroke: "#e7e5e4" }} />
        <YAxis
          allowDecimals={false}
          tick={AXIS}
          tickLine={false}
          axisLine={false}
          width={48}
          tickFormatter={(v: number) => formatCount(v)}
        />
        <Tooltip
          content={(props) => <SeriesTooltip {...props} series={series} format={(l) => l} />}
          cursor={{ fill: "#f5f5f4" }}
          isAnimationActive={false}
        />
        <Legend iconType="circle" iconSize={8} itemSorter={null} wrapperStyle={{ fontSize: 12, color: "#57534e" }} />
        {series.map((s) => (
          <Bar
            key={s.key}
            dataKey={s.key}
            name={s.label}
            fill={s.color}
            radius={[2, 2, 0, 0]}
            maxBarSize={48}
            isAnimationActive={false}
          >
            <LabelList dataKey={s.key} position="top" {...BAR_LABEL} formatter={countLabel} />
          </Bar>
        ))}
      </BarChart>
    </div>
  );
}

/** The funnel: visits per step in graph order, as horizontal bars. */
export function FunnelBars({
  data,
  summary,
  testId,
}: {
  data: { label: string; entered: number; ofStart: number | null }[];
  summary: string;
  testId: string;
}) {
  const height = Math.max(120, data.length * 36 + 24);
  return (
    <div role="img" aria-label={summary} data-testid={testId}>
      <BarChart
        responsive
        style={chartStyle(height)}
        data={data}
        layout="vertical"
        margin={{ top: 4, right: 56, bottom: 4, left: 8 }}
        barCategoryGap="22%"
        accessibilityLayer={false}
      >
        <XAxis type="number" hide allowDecimals={false} />
        <YAxis
          type="category"
          dataKey="label"
          width={190}
          tick={{ ...AXIS, fill: "#44403c" }}
          tickLine={false}
          axisLine={false}
          interval={0}
        />
        <Tooltip
          cursor={{ fill: "#f5f5f4" }}
          isAnimationActive={false}
          content={({ active, payload }) => {
            const row = payload?.[0]?.payload as { label: string; entered: number; ofStart: number | null } | undefined;
            if (!active || !row) return null;
            return (
              <div className="rounded-md bg-stone-900 px-3 py-2 text-xs text-white shadow-lg">
                <div className="font-semibold">{row.label}</div>
                {formatCount(row.entered)} entered
                {row.ofStart !== null ? `, ${formatPercent(row.ofStart)} of those who started` : ""}
              </div>
            );
          }}
        />
        <Bar dataKey="entered" fill={COLORS.entered} radius={[0, 3, 3, 0]} isAnimationActive={false}>
          <LabelList dataKey="entered" position="right" {...BAR_LABEL} fontSize={12} formatter={countLabel} />
        </Bar>
      </BarChart>
    </div>
  );
}

/** Rates per channel (delivery, open, click, bounce), as percentages. */
export function ChannelRates({
  data,
  summary,
  testId,
}: {
  data: {
    label: string;
    deliveryRate: number | null;
    openRate: number | null;
    clickRate: number | null;
    bounceRate: number | null;
  }[];
  summary: string;
  testId: string;
}) {
  const series = [
    { key: "deliveryRate", label: "Delivered (of sent)", color: COLORS.delivered },
    { key: "openRate", label: "Opened (of delivered)", color: COLORS.opened },
    { key: "clickRate", label: "Clicked (of delivered)", color: COLORS.clicked },
    { key: "bounceRate", label: "Bounced (of sent)", color: COLORS.notDelivered },
  ];
  const rows = data.map((d) => ({
    ...d,
    deliveryRate: d.deliveryRate ?? 0,
    openRate: d.openRate ?? 0,
    clickRate: d.clickRate ?? 0,
    bounceRate: d.bounceRate ?? 0,
  }));
  return (
    <div role="img" aria-label={summary} data-testid={testId}>
      <BarChart
        responsive
        style={chartStyle(240)}
        data={rows}
        margin={{ top: 20, right: 8, bottom: 0, left: 0 }}
        barGap={2}
        barCategoryGap="25%"
        accessibilityLayer={false}
      >
        <CartesianGrid vertical={false} stroke="#f0efed" />
        <XAxis dataKey="label" tick={AXIS} tickLine={false} axisLine={{ stroke: "#e7e5e4" }} />
        <YAxis
          domain={[0, 1]}
          tick={AXIS}
          tickLine={false}
          axisLine={false}
          width={44}
          tickFormatter={(v: number) => `${Math.round(v * 100)}%`}
        />
        <Tooltip
          cursor={{ fill: "#f5f5f4" }}
          isAnimationActive={false}
          content={({ active, payload, label }) => {
            if (!active || !payload?.length) return null;
            const row = payload[0].payload as Record<string, number>;
            return (
              <div className="rounded-md bg-stone-900 px-3 py-2 text-xs text-white shadow-lg">
                <div className="mb-1 font-semibold">{String(label)}</div>
                {series.map((s) => (
                  <div key={s.key} className="whitespace-nowrap">
                    {s.label}: <strong className="font-semibold">{formatPercent(row[s.key])}</strong>
                  </div>
                ))}
              </div>
            );
          }}
        />
        <Legend iconType="circle" iconSize={8} itemSorter={null} wrapperStyle={{ fontSize: 12, color: "#57534e" }} />
        {series.map((s) => (
          <Bar
            key={s.key}
            dataKey={s.key}
            name={s.label}
            fill={s.color}
            radius={[2, 2, 0, 0]}
            maxBarSize={48}
            isAnimationActive={false}
          >
            <LabelList dataKey={s.key} position="top" {...BAR_LABEL} formatter={percentLabel} />
          </Bar>
        ))}
      </BarChart>
    </div>
  );
}
