"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export function SettingsTabs({ slug, tabs }: { slug: string; tabs: { href: string; label: string }[] }) {
  const pathname = usePathname();
  return (
    // One line, labels never wrapped: twelve tabs fit at 1440 px; on a narrower window the row scrolls sideways
    // (the current tab is scrolled into view) rather than breaking the underline onto two rows
    <nav
      aria-label="Settings"
      className="mt-6 flex gap-0.5 overflow-x-auto border-b border-stone-200 [scrollbar-width:thin]"
    >
      {tabs.map((tab) => {
        const target = `/w/${slug}/settings${tab.href}`;
        const active = pathname === target;
        return (
          <Link
            key={tab.href}
            href={target}
            aria-current={active ? "page" : undefined}
            ref={active ? (el) => el?.scrollIntoView({ block: "nearest", inline: "nearest" }) : undefined}
            className={`shrink-0 whitespace-nowrap border-b-2 px-2 py-2.5 text-sm font-medium ${
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
