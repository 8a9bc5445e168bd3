"use client";

import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  Tooltip,
  type TooltipContentProps,
  XAxis,
  YAxis,
} from "recharts";
import type { ModelQuality } from "@/lib/predictions/types";

/**
 * A prediction's quality charts (Recharts): the calibration of the live model (predicted vs observed rate per bin,
 * against the diagonal a perfectly calibrated model would follow) and its AUC over the model versions. Each sits in
 * a role="img" box whose label says in words what it shows.
 */

const AXIS = { fontSize: 12, fill: "#78716c" };
const BRAND = "#1f9a86";
const BASELINE = "#a8a29e";
const pct = (v: number) => `${Math.round(v * 100)} %`;

type CalibrationPoint = ModelQuality["calibration"][number];

function CalibrationTooltip({ active, payload }: TooltipContentProps) {
  const p = payload?.[0]?.payload as CalibrationPoint | undefined;
  if (!active || !p) return null;
  return (
    <div className="rounded-md bg-stone-900 px-3 py-2 text-xs text-white shadow-lg">
      Predicted {pct(p.predicted)}, observed <strong>{pct(p.observed)}</strong>
      <div className="text-stone-300">{p.count.toLocaleString("en-US")} people</div>
    </div>
  );
}

export function CalibrationChart({ bins }: { bins: CalibrationPoint[] }) {
  const points = [...bins].sort((a, b) => a.predicted - b.predicted);
  const worst = points.reduce((m, p) => Math.max(m, Math.abs(p.predicted - p.observed)), 0);
  const summary = points.length
    ? `Calibration over ${points.length} bins of predicted probability: the largest gap between the predicted and the observed rate is ${pct(worst)}.`
    : "No calibration bins.";
  return (
    <div role="img" aria-label={summary} data-testid="calibration-chart">
      <LineChart
        responsive
        style={{ width: "100%", height: 260 }}
        data={points}
        margin={{ top: 8, right: 16, bottom: 16, left: 0 }}
        accessibilityLayer={false}
      >
        <CartesianGrid stroke="#f0efed" />
        <XAxis
          type="number"
          dataKey="predicted"
          domain={[0, 1]}
          ticks={[0, 0.25, 0.5, 0.75, 1]}
          tickFormatter={pct}
          tick={AXIS}
          tickLine={false}
          axisLine={{ stroke: "#e7e5e4" }}
          label={{ value: "Predicted", position: "insideBottom", offset: -8, fontSize: 12, fill: "#57534e" }}
        />
        <YAxis
          type="number"
          domain={[0, 1]}
          ticks={[0, 0.25, 0.5, 0.75, 1]}
          tickFormatter={pct}
          tick={AXIS}
          tickLine={false}
          axisLine={false}
          width={56}
        />
        <ReferenceLine
          segment={[
            { x: 0, y: 0 },
            { x: 1, y: 1 },
          ]}
          stroke={BASELINE}
          strokeDasharray="4 4"
          ifOverflow="visible"
        />
        <Tooltip content={CalibrationTooltip} isAnimationActive={false} />
        <Line
          dataKey="observed"
          name="Observed"
          stroke={BRAND}
          strokeWidth={2}
          dot={{ r: 3.5, strokeWidth: 0, fill: BRAND }}
          isAnimationActive={false}
        />
      </LineChart>
    </div>
  );
}

export interface AucPoint {
  version: number;
  auc: number | null;
  baseline: number | null;
}

function AucTooltip({ active, payload }: TooltipContentProps) {
  const p = payload?.[0]?.payload as AucPoint | undefined;
  if (!active || !p) return null;
  return (
    <div className="rounded-md bg-stone-900 px-3 py-2 text-xs text-white shadow-lg">
      <div className="font-semibold">Version {p.version}</div>
      {p.auc !== null ? <div>AUC {p.auc.toFixed(3)}</div> : <div>No AUC (the training failed)</div>}
      {p.baseline !== null ? <div className="text-stone-300">Recency baseline {p.baseline.toFixed(3)}</div> : null}
    </div>
  );
}

/** AUC per model version, oldest first, with the recency baseline each was measured against. */
export function AucHistoryChart({ points }: { points: AucPoint[] }) {
  const measured = points.filter((p) => p.auc !== null);
  const summary = measured.length
    ? `AUC over ${measured.length} model versions, from ${measured[0].auc?.toFixed(2)} (version ${measured[0].version}) to ${measured[measured.length - 1].auc?.toFixed(2)} (version ${measured[measured.length - 1].version}).`
    : "No model version has an AUC yet.";
  return (
    <div role="img" aria-label={summary} data-testid="auc-history-chart">
      <LineChart
        responsive
        style={{ width: "100%", height: 160 }}
        data={points}
        margin={{ top: 8, right: 16, bottom: 0, left: 0 }}
        accessibilityLayer={false}
      >
        <CartesianGrid vertical={false} stroke="#f0efed" />
        <XAxis dataKey="version" tickFormatter={(v: number) => `v${v}`} tick={AXIS} tickLine={false} />
        <YAxis domain={[0.5, 1]} tick={AXIS} tickLine={false} axisLine={false} width={40} />
        <Tooltip content={AucTooltip} isAnimationActive={false} />
        <Line
          dataKey="baseline"
          name="Recency baseline"
          stroke={BASELINE}
          strokeDasharray="4 4"
          dot={false}
          connectNulls
          isAnimationActive={false}
        />
        <Line
          dataKey="auc"
          name="AUC"
          stroke={BRAND}
          strokeWidth={2}
          dot={{ r: 3, strokeWidth: 0, fill: BRAND }}
          connectNulls
          isAnimationActive={false}
        />
      </LineChart>
    </div>
  );
}
