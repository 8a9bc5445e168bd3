import { ShieldAlert } from "lucide-react";
import Link from "next/link";
import type { RejectedEventsPage } from "@/lib/events/rejected-events";
import { buttonClass } from "../ui/button";
import { EmptyState } from "./empty-state";
import { formatDateTimeSeconds, sourceLabel } from "./format";

/**
 * Events → Rejected: what ingestion refused in the last 7 days and why, newest first, a page at a time
 * (links, so it works without script). The payload is whatever a client sent: it is shown as text in a
 * <pre> (React escapes it), never as HTML.
 */
export function RejectedEvents({
  slug,
  page,
  webhookNames,
  paged,
}: {
  slug: string;
  page: RejectedEventsPage;
  webhookNames: Record<string, string>;
  paged: boolean;
}) {
  if (page.items.length === 0 && !paged) {
    return (
      <EmptyState icon={ShieldAlert} heading="Nothing rejected in the last 7 days">
        <p>
          When a message cannot be stored (a missing userId, a timestamp out of range, a value Postgres cannot hold),
          the rest of its batch is still stored and that message is kept here for 7 days, with the reason.
        </p>
      </EmptyState>
    );
  }
  return (
    <div className="space-y-4">
      <p className="text-sm text-stone-600">
        Messages Cairn could not store, kept for 7 days. The sender was told too: the API answers each with its index,
        field and reason.
      </p>
      <ul
        className="divide-y divide-stone-200 rounded-xl border border-stone-200 bg-white"
        data-testid="rejected-events"
      >
        {page.items.map((item) => (
          <li key={item.id} className="space-y-2 px-5 py-4">
            <div className="flex flex-wrap items-baseline gap-x-4 gap-y-1 text-xs text-stone-500">
              <span className="font-mono text-stone-800">{formatDateTimeSeconds(item.receivedAt)}</span>
              <span>{sourceLabel(item.source, webhookNames)}</span>
              <span>
                endpoint <span className="font-mono text-stone-700">{item.endpoint}</span>
                {item.endpoint === "batch" ? <> · message {item.batchIndex}</> : null}
              </span>
              {item.keyPrefix ? (
                <span>
                  key <span className="font-mono text-stone-700">{item.keyPrefix}…</span>
                </span>
              ) : null}
            </div>
            <ul className="space-y-1 text-sm">
              {item.reasons.map((reason, i) => (
                <li key={i} className="text-stone-900">
                  {reason.path ? (
                    <span className="mr-1.5 rounded bg-red-50 px-1.5 py-0.5 font-mono text-xs text-red-800">
                      {reason.path}
                    </span>
                  ) : null}
                  {reason.message}
                </li>
              ))}
            </ul>
            <details className="text-sm">
              <summary className="cursor-pointer text-xs font-medium text-stone-600">Payload as sent</summary>
              <pre
                role="region"
                aria-label="Payload as sent"
                tabIndex={0}
                className="mt-2 max-h-80 overflow-auto rounded-md bg-stone-50 px-3 py-2.5 font-mono text-xs leading-relaxed break-all whitespace-pre-wrap text-stone-800 ring-1 ring-stone-200 ring-inset"
              >
                {item.payload}
              </pre>
            </details>
          </li>
        ))}
      </ul>
      <nav aria-label="Rejected events pages" className="flex gap-3">
        {paged ? (
          <Link href={`/w/${slug}/events?view=rejected`} className={buttonClass("secondary")}>
            Newest
          </Link>
        ) : null}
        {page.nextBefore ? (
          <Link href={`/w/${slug}/events?view=rejected&before=${page.nextBefore}`} className={buttonClass("secondary")}>
            Older
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
