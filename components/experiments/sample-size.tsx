import type { ExperimentAnalysis } from "@/lib/experiments/analysis";
import { count } from "./format";

function Bar({ label, name, value, target }: { label: string; name: string; value: number; target: number }) {
  const share = Math.min(1, target > 0 ? value / target : 1);
  const done = value >= target;
  return (
    <div>
      <div className="flex justify-between text-xs text-stone-600">
        <span>{name}</span>
        <span className="tabular-nums">
          {count(value)} / {count(target)}
        </span>
      </div>
      <div
        className="mt-1 h-2 overflow-hidden rounded-full bg-stone-100"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={target}
        aria-valuenow={Math.min(value, target)}
      >
        <div
          className={`h-full rounded-full ${done ? "bg-brand-600" : "bg-amber-500"}`}
          style={{ width: `${share * 100}%` }}
        />
      </div>
    </div>
  );
}

/** Every arm's way to the thresholds a verdict needs: 100 people and 20 conversions. */
export function SampleSizeProgress({ result }: { result: ExperimentAnalysis }) {
  const { minAssigned, minConversions } = result.thresholds;
  return (
    <ul className="space-y-5" data-testid="sample-size">
      {result.arms.map((arm) => (
        <li key={arm.armId} className="space-y-2">
          <p className="flex items-baseline justify-between gap-2 text-sm font-medium text-stone-800">
            {arm.label}
            {arm.assigned >= minAssigned && arm.converted >= minConversions ? (
              <span className="text-xs font-normal text-brand-700">enough data</span>
            ) : null}
          </p>
          <Bar
            name="People assigned"
            label={`${arm.label}: people assigned`}
            value={arm.assigned}
            target={minAssigned}
          />
          <Bar name="Conversions" label={`${arm.label}: conversions`} value={arm.converted} target={minConversions} />
        </li>
      ))}
    </ul>
  );
}
