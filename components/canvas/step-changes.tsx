import type { FieldChange } from "@/lib/journeys/diff";

/**
 * The changed steps of a publish diff, each with what changed in it field by field ("template version: 2 → 3",
 * "subject: “Hi” → “Hello”"): shown by the canvas's publish dialog and the template page's update dialog.
 */
export function StepChanges({ steps }: { steps: { name: string; changes: FieldChange[] }[] }) {
  if (!steps.length) return null;
  return (
    <div data-testid="changed-steps">
      <p className="text-xs font-semibold tracking-wide text-amber-800 uppercase">Changed steps ({steps.length})</p>
      <ul className="mt-1 space-y-1.5 text-stone-800">
        {steps.map((step, i) => (
          <li key={i}>
            <span className="font-medium">{step.name}</span>
            {step.changes.length ? (
              <ul className="mt-0.5 space-y-0.5 pl-4 text-xs text-stone-600">
                {step.changes.map((c, j) => (
                  <li key={j} className="break-words">
                    <span className="font-medium text-stone-700">{c.field}</span>: {c.before} → {c.after}
                  </li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
