import type { BannedHit } from "@/lib/brand/banned-phrases";

/** A draft's text with each banned phrase marked (the hits' offsets come from the server's check). */
export function HighlightedDraft({ text, hits }: { text: string; hits: BannedHit[] }) {
  const parts: { text: string; hit?: BannedHit }[] = [];
  let at = 0;
  for (const hit of [...hits].sort((a, b) => a.start - b.start)) {
    if (hit.start < at) continue; // overlapping phrases: the first one is marked
    if (hit.start > at) parts.push({ text: text.slice(at, hit.start) });
    parts.push({ text: text.slice(hit.start, hit.end), hit });
    at = hit.end;
  }
  if (at < text.length) parts.push({ text: text.slice(at) });
  return (
    <p className="whitespace-pre-wrap break-words rounded bg-stone-50 px-2 py-1.5 font-mono text-xs text-stone-900">
      {parts.map((p, i) =>
        p.hit ? (
          <mark
            // biome-ignore lint/suspicious/noArrayIndexKey: the parts never reorder
            key={i}
            className="rounded bg-red-100 px-0.5 text-red-900 ring-1 ring-red-300"
            title={`Banned: "${p.hit.phrase}"${p.hit.reason ? ` (${p.hit.reason})` : ""}`}
            data-testid="banned-hit"
          >
            {p.text}
          </mark>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts never reorder
          <span key={i}>{p.text}</span>
        ),
      )}
    </p>
  );
}
