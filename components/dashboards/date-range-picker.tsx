"use client";

import { CalendarRange } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "../ui/button";
import { describeRange, PRESETS, type PresetId } from "./range";

/**
 * Last 7 / 30 / 90 days as links (each range has an address, and works without script), or two days of your
 * choosing. The page reads the address and asks for that range; nothing is stored.
 */
export function DateRangePicker({
  basePath,
  preset,
  range,
}: {
  basePath: string;
  preset: PresetId | "custom";
  range: { from: string; to: string };
}) {
  const router = useRouter();
  const [open, setOpen] = useState(preset === "custom");
  const [from, setFrom] = useState(range.from);
  const [to, setTo] = useState(range.to);
  const [problem, setProblem] = useState<string | null>(null);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    if (!from || !to) return setProblem("Choose both days.");
    if (from > to) return setProblem("The first day must be on or before the last.");
    setProblem(null);
    router.push(`${basePath}?from=${from}&to=${to}`);
  };

  const tab = (active: boolean) =>
    `rounded-md px-3 py-1.5 text-sm font-medium transition-colors ${active ? "bg-white text-stone-900 shadow-sm ring-1 ring-stone-200" : "text-stone-600 hover:text-stone-900"}`;

  return (
    <div className="flex flex-wrap items-center gap-3" data-testid="date-range">
      <nav aria-label="Date range" className="flex items-center gap-1 rounded-lg bg-stone-100 p-1">
        {PRESETS.map((p) => (
          <Link
            key={p.id}
            href={`${basePath}?range=${p.id}`}
            aria-current={preset === p.id ? "page" : undefined}
            className={tab(preset === p.id)}
            onClick={() => setOpen(false)}
          >
            {p.label}
          </Link>
        ))}
        <button
          type="button"
          aria-expanded={open}
          aria-current={preset === "custom" ? "page" : undefined}
          className={tab(preset === "custom")}
          onClick={() => setOpen((o) => !o)}
        >
          Custom
        </button>
      </nav>
      <span className="flex items-center gap-1.5 text-sm text-stone-600" data-testid="range-label">
        <CalendarRange className="h-4 w-4 text-stone-400" aria-hidden="true" />
        {describeRange(range)} <span className="text-stone-400">(UTC days)</span>
      </span>
      {open ? (
        <form
          method="post"
          onSubmit={apply}
          className="flex w-full flex-wrap items-end gap-3 rounded-lg bg-white px-4 py-3 shadow-sm ring-1 ring-stone-200"
          aria-label="Custom range"
        >
          <label className="text-sm font-medium text-stone-800">
            From
            <input
              type="date"
              value={from}
              max={to || undefined}
              onChange={(e) => setFrom(e.target.value)}
              className="mt-1 block rounded-md border-0 px-3 py-1.5 text-sm ring-1 ring-stone-300 ring-inset focus:ring-2 focus:ring-brand-600"
            />
          </label>
          <label className="text-sm font-medium text-stone-800">
            To
            <input
              type="date"
              value={to}
              min={from || undefined}
              onChange={(e) => setTo(e.target.value)}
              className="mt-1 block rounded-md border-0 px-3 py-1.5 text-sm ring-1 ring-stone-300 ring-inset focus:ring-2 focus:ring-brand-600"
            />
          </label>
          <Button type="submit" variant="secondary">
            Apply
          </Button>
          <p className="text-xs text-stone-500">Up to 366 days.</p>
          {problem ? (
            <p role="alert" className="w-full text-sm text-red-700">
              {problem}
            </p>
          ) : null}
        </form>
      ) : null}
    </div>
  );
}
