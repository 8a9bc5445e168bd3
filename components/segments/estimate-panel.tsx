"use client";

import { AlertTriangle, Loader2, Users } from "lucide-react";
import Link from "next/link";
import type { EstimateResult } from "@/lib/segments/estimate-segment";
import { formatCount } from "../events/format";
import { plural } from "../ui/format";

export type EstimateSample = EstimateResult["sample"][number];

export type EstimateState =
  | { status: "empty" }
  | { status: "loading"; size?: number; sample?: EstimateSample[] }
  | { status: "ok"; size: number; sample: EstimateSample[]; exact: boolean; total: number }
  | { status: "invalid"; size?: number }
  | { status: "error"; message: string };

export const personLabel = (p: EstimateSample) => p.userId ?? p.email ?? `Anonymous visitor ${p.id.slice(0, 8)}`;

/** Beside the builder: how many people match the definition as it stands, and a few of them. */
export function EstimatePanel({ slug, state }: { slug: string; state: EstimateState }) {
  const size = state.status === "ok" || state.status === "loading" ? state.size : undefined;
  const sample = state.status === "ok" ? state.sample : state.status === "loading" ? (state.sample ?? []) : [];
  return (
    <section
      className="rounded-xl bg-white shadow-sm ring-1 ring-stone-200"
      aria-labelledby="estimate-heading"
      data-testid="estimate"
    >
      <div className="border-b border-stone-100 px-5 py-4">
        <h2 id="estimate-heading" className="flex items-center justify-between text-sm font-semibold text-stone-900">
          Who matches now
          {state.status === "loading" ? (
            <span
              className="inline-flex items-center gap-1 text-xs font-normal text-stone-500"
              data-testid="estimate-updating"
            >
              <Loader2 className="h-3.5 w-3.5 animate-spin" aria-hidden="true" /> Updating…
            </span>
          ) : null}
        </h2>
        <div className="mt-2" aria-live="polite">
          {state.status === "empty" ? (
            <p className="text-sm text-stone-500">Add a condition to see how many people match.</p>
          ) : state.status === "invalid" ? (
            <p className="flex items-start gap-2 text-sm text-amber-800">
              <AlertTriangle className="mt-0.5 h-4 w-4 shrink-0" aria-hidden="true" /> Finish the conditions marked in
              red to see who matches.
            </p>
          ) : state.status === "error" ? (
            <p className="text-sm text-red-700" role="alert">
              {state.message}
            </p>
          ) : size === undefined ? (
            <p className="text-sm text-stone-500">Counting…</p>
          ) : (
            <div className={state.status === "loading" ? "opacity-60" : undefined}>
              <p>
                {state.status === "ok" && !state.exact ? (
                  <span className="text-2xl text-stone-500" title="Estimated from a random sample of profiles">
                    ≈{" "}
                  </span>
                ) : null}
                <span
                  className="text-3xl font-semibold tracking-tight text-stone-900 tabular-nums"
                  data-testid="estimate-size"
                >
                  {formatCount(size)}
                </span>{" "}
                <span className="text-sm text-stone-600">{size === 1 ? "person" : "people"}</span>
              </p>
              {state.status === "ok" ? (
                <p className="mt-0.5 text-xs text-stone-500">
                  {state.total
                    ? `${((100 * size) / state.total).toLocaleString("en-GB", { maximumFractionDigits: 1 })}% of ${plural(state.total, "profile")}`
                    : "No profiles yet"}
                  {state.exact ? "" : " · estimated from a sample"}
                </p>
              ) : null}
            </div>
          )}
        </div>
      </div>
      <div className="px-5 py-4">
        <h3 className="text-xs font-semibold tracking-wide text-stone-500 uppercase">A few of them</h3>
        {sample.length ? (
          <ul className="mt-2 divide-y divide-stone-100 text-sm" data-testid="estimate-sample">
            {sample.map((p) => (
              <li key={p.id} className="py-1.5">
                <Link
                  href={`/w/${slug}/profiles/${p.id}`}
                  className="block truncate text-stone-800 hover:text-brand-700 hover:underline"
                  target="_blank"
                >
                  {personLabel(p)}
                </Link>
              </li>
            ))}
          </ul>
        ) : (
          <p className="mt-2 flex items-center gap-2 text-sm text-stone-500">
            <Users className="h-4 w-4 text-stone-400" aria-hidden="true" />
            {state.status === "ok" ? "Nobody matches yet." : "—"}
          </p>
        )}
      </div>
    </section>
  );
}
