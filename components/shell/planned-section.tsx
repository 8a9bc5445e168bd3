import type { LucideIcon } from "lucide-react";
import type { ReactNode } from "react";

/**
 * What a section of Cairn will hold, for sections whose features have not landed yet. It states plainly
 * that nothing is here yet and shows no made-up data.
 */
export function PlannedSection({
  icon: Icon,
  heading,
  points,
  children,
}: {
  icon: LucideIcon;
  heading: string;
  points: string[];
  children?: ReactNode;
}) {
  return (
    <section className="mt-8 rounded-xl border border-dashed border-stone-300 bg-white px-8 py-10">
      <div className="flex flex-col items-start gap-6 md:flex-row">
        <span className="flex h-12 w-12 shrink-0 items-center justify-center rounded-lg bg-brand-50 text-brand-700">
          <Icon className="h-6 w-6" aria-hidden="true" />
        </span>
        <div className="min-w-0">
          <h2 className="text-base font-semibold text-stone-900">{heading}</h2>
          <p className="mt-1 text-sm text-stone-600">
            This part of Cairn is not built yet. When it is, this page will hold:
          </p>
          <ul className="mt-4 space-y-2 text-sm text-stone-700">
            {points.map((point) => (
              <li key={point} className="flex gap-2">
                <span className="mt-2 h-1.5 w-1.5 shrink-0 rounded-full bg-brand-500" aria-hidden="true" />
                {point}
              </li>
            ))}
          </ul>
          {children ? <div className="mt-6">{children}</div> : null}
        </div>
      </div>
    </section>
  );
}
