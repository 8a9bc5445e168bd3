import { ChevronRight } from "lucide-react";
import type { ProfileEvent } from "@/lib/profiles/profiles";
import { EventTypeBadge } from "../events/event-type-badge";
import { eventTitle, formatDateTimeSeconds, previewPairs, sourceLabel } from "../events/format";
import { EventJson } from "../events/json-block";

/** A person's events, newest first; each one's properties, traits and context open on demand. */
export function EventTimeline({
  events,
  webhookNames,
}: {
  events: ProfileEvent[];
  webhookNames: Record<string, string>;
}) {
  return (
    <ol className="relative" data-testid="profile-timeline">
      {events.map((event, index) => {
        const title = eventTitle(event);
        const { pairs, more } = previewPairs(event, 4);
        return (
          <li key={event.id} data-testid="timeline-event" className="relative pb-5 pl-7 last:pb-0">
            {index < events.length - 1 ? (
              <span className="absolute top-4 bottom-0 left-[5px] w-px bg-stone-200" aria-hidden="true" />
            ) : null}
            <span
              className={`absolute top-1.5 left-0 h-[11px] w-[11px] rounded-full ring-2 ring-white ${event.type === "track" ? "bg-brand-500" : event.type === "identify" ? "bg-amber-400" : "bg-stone-300"}`}
              aria-hidden="true"
            />
            <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
              <div className="flex min-w-0 items-center gap-2">
                <h3 className="truncate text-sm font-medium text-stone-900">{title}</h3>
                <EventTypeBadge type={event.type} />
              </div>
              <p className="text-xs whitespace-nowrap text-stone-500">
                <time dateTime={event.timestamp ?? undefined}>{formatDateTimeSeconds(event.timestamp)}</time> ·{" "}
                {sourceLabel(event.source, webhookNames)}
              </p>
            </div>
            {pairs.length > 0 ? (
              <p className="mt-1 truncate font-mono text-xs text-stone-600">
                {pairs.map((pair, i) => (
                  <span key={pair.key}>
                    {i > 0 ? <span className="text-stone-300"> · </span> : null}
                    <span className="text-stone-400">{pair.key}:</span> {pair.value}
                  </span>
                ))}
                {more > 0 ? <span className="font-sans text-stone-400"> +{more} more</span> : null}
              </p>
            ) : null}
            <details className="group mt-1.5">
              <summary className="inline-flex cursor-pointer list-none items-center gap-1 rounded text-xs font-medium text-brand-700 hover:underline [&::-webkit-details-marker]:hidden">
                <ChevronRight className="h-3.5 w-3.5 transition-transform group-open:rotate-90" aria-hidden="true" />
                <span className="group-open:hidden">Show details</span>
                <span className="hidden group-open:inline">Hide details</span>
                <span className="sr-only"> of {title}</span>
              </summary>
              <div className="mt-2">
                <EventJson event={event} />
              </div>
            </details>
          </li>
        );
      })}
    </ol>
  );
}
