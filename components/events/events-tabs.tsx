import Link from "next/link";

/** Live / Catalog / Rejected, as links (?view=catalog) so each view has an address and works without script. */
export function EventsTabs({ slug, active }: { slug: string; active: "live" | "catalog" | "rejected" }) {
  const tabs = [
    { id: "live", label: "Live", href: `/w/${slug}/events` },
    { id: "catalog", label: "Catalog", href: `/w/${slug}/events?view=catalog` },
    { id: "rejected", label: "Rejected", href: `/w/${slug}/events?view=rejected` },
  ] as const;
  return (
    <nav aria-label="Events views" className="mt-6 flex gap-1 border-b border-stone-200">
      {tabs.map((tab) => (
        <Link
          key={tab.id}
          href={tab.href}
          aria-current={active === tab.id ? "page" : undefined}
          className={`-mb-px border-b-2 px-4 py-2.5 text-sm font-medium ${
            active === tab.id
              ? "border-brand-600 text-brand-800"
              : "border-transparent text-stone-500 hover:border-stone-300 hover:text-stone-800"
          }`}
        >
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}
