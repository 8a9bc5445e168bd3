"use client";

import type { RenderTrace } from "@/lib/content/prepare-render";

/**
 * What a message was personalised with, as delivery recorded it (lib/content/prepare-render.ts `renderTrace`):
 * the language chosen and why, each connected-content fetch, and each catalog item or recommendation looked up.
 * Nothing shows for a message that had none of them.
 */
export function RenderTraceView({ trace }: { trace: RenderTrace | null | undefined }) {
  if (!trace) return null;
  const { locale, connectedContent = [], lookups = [] } = trace;
  const entries = lookups as LookupEntry[];
  if (!locale && !connectedContent.length && !entries.length) return null;
  return (
    <section
      className="space-y-2 rounded-md border border-stone-200 bg-stone-50 p-3 text-sm"
      data-testid="render-trace"
    >
      <h3 className="font-medium text-stone-800">Personalised with</h3>
      <ul className="space-y-1 text-stone-700">
        {locale ? (
          <li>
            Language <span className="font-mono">{locale.used}</span>
            {locale.requested
              ? ` for a person whose ${locale.source === "trait" ? "locale trait" : "event locale"} is ${locale.requested}`
              : " (the person has no language: the workspace default)"}
            {locale.chain.length > 1 ? ` (tried ${locale.chain.join(" → ")})` : ""}
            {locale.stale ? "; the translation is older than the default text" : ""}
            {locale.ignored ? `; the locale trait "${locale.ignored}" is not a language tag and was ignored` : ""}
          </li>
        ) : null}
        {connectedContent.map((c) => (
          <li key={`cc-${c.name}-${c.url}`}>
            Connected content <span className="font-mono">{c.name}</span> from{" "}
            <span className="font-mono break-all">{c.url}</span>:{" "}
            {c.ok
              ? `HTTP ${c.status}${c.cacheHit ? ", from the cache" : `, ${c.ms} ms`}`
              : `failed (${c.error ?? `HTTP ${c.status}`})${c.required ? ", required: the message was not sent" : ", left empty"}`}
          </li>
        ))}
        {entries.map((l, i) =>
          l.kind === "catalog" ? (
            <li key={`lookup-${i}`}>
              Catalog <span className="font-mono">{l.catalog}</span> item <span className="font-mono">{l.id}</span>
              {l.found ? "" : ": not found"}
              {l.note ? ` (${l.note})` : ""}
            </li>
          ) : (
            <li key={`lookup-${i}`}>
              Recommended from <span className="font-mono">{l.catalog}</span> ({l.strategy.replaceAll("_", " ")}):{" "}
              {l.items.length ? l.items.map((item) => item.id).join(", ") : "nothing"}
              {l.fallback.length ? `; filled in by ${l.fallback.map((f) => f.replaceAll("_", " ")).join(", ")}` : ""}
              {l.reason ? ` (${l.reason})` : ""}
            </li>
          ),
        )}
      </ul>
    </section>
  );
}

/** The catalog lookups' trace entries as stored (lib/catalogs/render-lookups.ts LookupTraceEntry), read loosely. */
type LookupEntry =
  | { kind: "catalog"; catalog: string; id: string; found: boolean; note?: string }
  | {
      kind: "recommend";
      catalog: string;
      strategy: string;
      items: { id: string }[];
      fallback: string[];
      reason?: string;
    };
