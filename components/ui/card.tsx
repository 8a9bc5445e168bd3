import type { ReactNode } from "react";

export function Card({
  title,
  description,
  children,
  actions,
}: {
  title?: string;
  description?: ReactNode;
  children: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <section className="rounded-xl bg-white shadow-sm ring-1 ring-stone-200">
      {title ? (
        <div className="flex flex-wrap items-start justify-between gap-3 border-b border-stone-100 px-6 py-4">
          <div>
            <h2 className="text-base font-semibold text-stone-900">{title}</h2>
            {description ? <p className="mt-0.5 text-sm text-stone-500">{description}</p> : null}
          </div>
          {actions}
        </div>
      ) : null}
      <div className="px-6 py-5">{children}</div>
    </section>
  );
}

export function Badge({
  children,
  tone = "stone",
}: {
  children: ReactNode;
  tone?: "stone" | "brand" | "amber" | "red";
}) {
  const tones = {
    stone: "bg-stone-100 text-stone-700 ring-stone-200",
    brand: "bg-brand-50 text-brand-800 ring-brand-200",
    amber: "bg-amber-50 text-amber-800 ring-amber-200",
    red: "bg-red-50 text-red-700 ring-red-200",
  };
  return (
    <span
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${tones[tone]}`}
    >
      {children}
    </span>
  );
}
