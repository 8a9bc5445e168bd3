"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export function SettingsTabs({ slug, tabs }: { slug: string; tabs: { href: string; label: string }[] }) {
  const pathname = usePathname();
  return (
    // Nine tabs on one line at 1280 px: labels never wrap onto two lines
    <nav aria-label="Settings" className="mt-6 flex gap-1 border-b border-stone-200">
      {tabs.map((tab) => {
        const target = `/w/${slug}/settings${tab.href}`;
        const active = pathname === target;
        return (
          <Link
            key={tab.href}
            href={target}
            aria-current={active ? "page" : undefined}
            className={`-mb-px shrink-0 whitespace-nowrap border-b-2 px-2.5 py-2.5 text-sm font-medium ${
              active
                ? "border-brand-600 text-brand-800"
                : "border-transparent text-stone-500 hover:border-stone-300 hover:text-stone-800"
            }`}
          >
            {tab.label}
          </Link>
        );
      })}
    </nav>
  );
}
