"use client";

import { Search } from "lucide-react";
import Link from "next/link";
import type { FormEvent } from "react";
import { Button } from "./button";

/** Above a list: filter tabs (links, so a filter is an address) and a search by name. */
export function ListToolbar(props: {
  tabsLabel: string;
  tabs: { label: string; href: string; current: boolean }[];
  searchLabel: string;
  search: string;
  onSearchChange: (value: string) => void;
  onSearch: (e: FormEvent) => void;
}) {
  return (
    <div className="flex flex-wrap items-end justify-between gap-4">
      <nav aria-label={props.tabsLabel} className="flex gap-1 rounded-lg bg-stone-100 p-1">
        {props.tabs.map((tab) => (
          <Link
            key={tab.label}
            href={tab.href}
            aria-current={tab.current ? "page" : undefined}
            className={`rounded-md px-3 py-1.5 text-sm font-medium ${tab.current ? "bg-white text-stone-900 shadow-sm" : "text-stone-600 hover:text-stone-900"}`}
          >
            {tab.label}
          </Link>
        ))}
      </nav>
      <form method="post" onSubmit={props.onSearch} role="search" className="flex items-center gap-2">
        <div className="relative">
          <Search className="pointer-events-none absolute top-2.5 left-3 h-4 w-4 text-stone-400" aria-hidden="true" />
          <input
            type="search"
            aria-label={props.searchLabel}
            placeholder="Search by name"
            value={props.search}
            onChange={(e) => props.onSearchChange(e.target.value)}
            className="block w-64 rounded-md border-0 bg-white py-2 pr-3 pl-9 text-sm text-stone-900 shadow-sm ring-1 ring-stone-300 outline-none ring-inset placeholder:text-stone-400 focus:ring-2 focus:ring-brand-600 disabled:cursor-not-allowed disabled:bg-stone-100 disabled:opacity-70"
          />
        </div>
        <Button type="submit" variant="secondary">
          Search
        </Button>
      </form>
    </div>
  );
}
