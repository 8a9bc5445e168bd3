import type { LucideIcon } from "lucide-react";
import type { ReactNode } from "react";

/** An empty list that says what to do next; never stands in sample data. */
export function EmptyState({
  icon: Icon,
  heading,
  children,
  actions,
}: {
  icon: LucideIcon;
  heading: string;
  children: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <div className="flex flex-col items-start gap-5 rounded-xl border border-dashed border-stone-300 bg-white px-8 py-10 md:flex-row">
      <span className="flex h-12 w-12 shrink-0 items-center justify-center rounded-lg bg-brand-50 text-brand-700">
        <Icon className="h-6 w-6" aria-hidden="true" />
      </span>
      <div className="min-w-0">
        <h2 className="text-base font-semibold text-stone-900">{heading}</h2>
        <div className="mt-1 max-w-2xl space-y-2 text-sm text-stone-600">{children}</div>
        {actions ? <div className="mt-5 flex flex-wrap items-center gap-3">{actions}</div> : null}
      </div>
    </div>
  );
}
