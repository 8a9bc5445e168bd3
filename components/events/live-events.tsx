"use client";

import { ChevronDown, Pause, Play, Radio } from "lucide-react";
import Link from "next/link";
import { Fragment, useEffect, useRef, useState } from "react";
import type { LiveEvent } from "@/lib/events/events";
import { liveEventTimes, newestId as newestIdOf, newestReceivedFirst } from "@/lib/events/live-order";
import { api } from "../api/client";
import { Button, buttonClass } from "../ui/button";
import { EmptyState } from "./empty-state";
import { EventTypeBadge } from "./event-type-badge";
import { eventTitle, previewPairs, sourceLabel, splitDateTime } from "./format";
import { EventJson } from "./json-block";

const POLL_MS = 2000;
const MAX_ROWS = 200;
const HIGHLIGHT_MS = 4000;

type Status = "live" | "paused" | "retrying" | "signed-out";

/**
 * The live feed: polls /events/recent?after=<newest id shown> every 2 seconds, merges what arrived and
 * keeps the newest 200 rows, newest RECEIVED first: the time a row shows is when Cairn received the event
 * (its own timestamp beside it, labelled, when they differ by over a minute), so order and times agree.
 * Paused, or while the tab is hidden, it does not poll.
 */
export function LiveEvents({
  slug,
  initialEvents,
  webhookNames,
}: {
  slug: string;
  initialEvents: LiveEvent[];
  webhookNames: Record<string, string>;
}) {
  const [events, setEvents] = useState(() => newestReceivedFirst(initialEvents).slice(0, MAX_ROWS));
  const [paused, setPaused] = useState(false);
  const [problem, setProblem] = useState<"retrying" | "signed-out" | null>(null);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [announcement, setAnnouncement] = useState("");
  const newestId = useRef<string | null>(newestIdOf(initialEvents));

  useEffect(() => {
    if (paused) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;

    async function poll() {
      if (!document.hidden) {
        const result = await api.events.recent(slug, { limit: MAX_ROWS, after: newestId.current ?? undefined });
        if (cancelled) return;
        if (!result.ok) {
          setProblem(result.error.status === 401 || result.error.status === 404 ? "signed-out" : "retrying");
          if (result.error.status === 401 || result.error.status === 404) return; // polling again will not help
        } else {
          setProblem(null);
          const incoming = result.data.events;
          if (incoming.length > 0) {
            newestId.current = newestIdOf(incoming);
            const ids = new Set(incoming.map((e) => e.id));
            setEvents((shown) =>
              newestReceivedFirst([...incoming, ...shown.filter((e) => !ids.has(e.id))]).slice(0, MAX_ROWS),
            );
            setFresh(ids);
            setAnnouncement(
              incoming.length === 1 ? `New event: ${eventTitle(incoming[0])}` : `${incoming.length} new events`,
            );
            setTimeout(() => setFresh((current) => (current === ids ? new Set() : current)), HIGHLIGHT_MS);
          }
        }
      }
      if (!cancelled) timer = setTimeout(poll, POLL_MS);
    }

    poll();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [paused, slug]);

  function toggle(id: string) {
    setExpanded((open) => {
      const next = new Set(open);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }

  const status: Status = paused ? "paused" : (problem ?? "live");

  return (
    <section className="rounded-xl bg-white shadow-sm ring-1 ring-stone-200" aria-labelledby="live-events-title">
      <div className="flex flex-wrap items-center justify-between gap-3 border-b border-stone-100 px-6 py-4">
        <div>
          <h2 id="live-events-title" className="text-base font-semibold text-stone-900">
            Live events
          </h2>
          <p className="mt-0.5 text-sm text-stone-500">
            Newest received first. The latest {MAX_ROWS} are kept on this page.
          </p>
        </div>
        <div className="flex items-center gap-3">
          <StatusIndicator status={status} />
          <Button variant="secondary" onClick={() => setPaused((p) => !p)} disabled={status === "signed-out"}>
            {paused ? (
              <Play className="h-4 w-4" aria-hidden="true" />
            ) : (
              <Pause className="h-4 w-4" aria-hidden="true" />
            )}
            {paused ? "Resume" : "Pause"}
          </Button>
        </div>
      </div>
      <p className="sr-only" aria-live="polite">
        {announcement}
      </p>

      {events.length === 0 ? (
        <div className="p-6">
          <EmptyState
            icon={Radio}
            heading="Waiting for the first event"
            actions={
              <Link href={`/w/${slug}/settings/sources`} className={buttonClass("primary")}>
                Send a test event
              </Link>
            }
          >
            <p>
              Nothing has arrived in this workspace yet. Send an event from your website, app or server with a write API
              key, or connect a webhook source; it shows up here within seconds, without reloading.
            </p>
            <p>Settings → Sources has a ready-to-copy command for your first event.</p>
          </EmptyState>
        </div>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full table-fixed text-left text-sm" data-testid="live-events">
            <colgroup>
              <col className="w-36" />
              <col className="w-60" />
              <col className="w-56" />
              <col />
              <col className="w-28" />
            </colgroup>
            <thead className="text-xs tracking-wide text-stone-500 uppercase">
              <tr>
                <th className="py-2 pl-6 font-medium">Received</th>
                <th className="py-2 pl-4 font-medium">Event</th>
                <th className="py-2 pl-4 font-medium">Person</th>
                <th className="py-2 pl-4 font-medium">Properties</th>
                <th className="py-2 pr-6 text-right font-medium">
                  <span className="sr-only">Details</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {events.map((event) => {
                const open = expanded.has(event.id);
                const title = eventTitle(event);
                const { pairs, more } = previewPairs(event);
                const times = liveEventTimes(event);
                const when = splitDateTime(times.received);
                const own = times.own ? splitDateTime(times.own) : null;
                return (
                  <Fragment key={event.id}>
                    <tr
                      data-testid="live-event"
                      className={`border-t border-stone-100 align-top transition-colors duration-700 ${fresh.has(event.id) ? "bg-brand-50" : ""}`}
                    >
                      <td className="py-3 pl-6 whitespace-nowrap">
                        <time
                          dateTime={times.received ?? undefined}
                          className="block font-medium text-stone-900 tabular-nums"
                          data-testid="live-event-received"
                        >
                          {when.time}
                        </time>
                        <div className="mt-1 text-xs text-stone-500">{when.date} · UTC</div>
                        {own ? (
                          <div
                            className="mt-1 text-xs text-amber-800"
                            data-testid="live-event-own-time"
                            title={`The event's own timestamp, ${times.ownOffset} than received`}
                          >
                            Event time <time dateTime={times.own ?? undefined}>{own.time}</time>
                            {own.date !== when.date ? ` ${own.date}` : ""}
                            <span className="block text-stone-500">{times.ownOffset}</span>
                          </div>
                        ) : null}
                      </td>
                      <td className="py-3 pl-4">
                        <div className="truncate font-medium text-stone-900" title={title}>
                          {title}
                        </div>
                        <div className="mt-1 flex items-center gap-2 text-xs text-stone-500">
                          <EventTypeBadge type={event.type} />
                          <span className="truncate">{sourceLabel(event.source, webhookNames)}</span>
                        </div>
                      </td>
                      <td className="py-3 pl-4">
                        <Link
                          href={`/w/${slug}/profiles/${event.profileId}`}
                          className="block truncate font-mono text-xs font-medium text-brand-700 hover:underline"
                          title={event.userId ?? event.anonymousId ?? undefined}
                        >
                          {event.userId ?? event.anonymousId ?? "Unknown"}
                        </Link>
                        <div className="mt-1 text-xs text-stone-500">{event.userId ? "User id" : "Anonymous"}</div>
                      </td>
                      <td className="py-3 pl-4">
                        {pairs.length === 0 ? (
                          <span className="text-xs text-stone-400">No properties</span>
                        ) : (
                          <ul className="space-y-0.5 font-mono text-xs text-stone-600">
                            {pairs.map((pair) => (
                              <li key={pair.key} className="truncate" title={`${pair.key}: ${pair.value}`}>
                                <span className="text-stone-400">{pair.key}:</span> {pair.value}
                              </li>
                            ))}
                            {more > 0 ? <li className="font-sans text-stone-400">+{more} more</li> : null}
                          </ul>
                        )}
                      </td>
                      <td className="py-3 pr-6 text-right">
                        <button
                          type="button"
                          aria-expanded={open}
                          aria-controls={`live-event-${event.id}`}
                          onClick={() => toggle(event.id)}
                          className="inline-flex items-center gap-1 rounded-md px-2 py-1 text-xs font-medium text-stone-600 hover:bg-stone-100 hover:text-stone-900"
                        >
                          JSON<span className="sr-only"> of {title}</span>
                          <ChevronDown
                            className={`h-3.5 w-3.5 transition-transform ${open ? "rotate-180" : ""}`}
                            aria-hidden="true"
                          />
                        </button>
                      </td>
                    </tr>
                    {open ? (
                      <tr id={`live-event-${event.id}`}>
                        <td colSpan={5} className="bg-stone-50/60 px-6 pt-1 pb-4">
                          <EventJson event={event} />
                        </td>
                      </tr>
                    ) : null}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const STATUS: Record<Status, { label: string; dot: string; text: string }> = {
  live: { label: "Live", dot: "bg-emerald-500", text: "text-emerald-800" },
  paused: { label: "Paused", dot: "bg-stone-400", text: "text-stone-600" },
  retrying: { label: "Reconnecting…", dot: "bg-amber-500", text: "text-amber-800" },
  "signed-out": { label: "Stopped: reload the page to sign in again", dot: "bg-red-500", text: "text-red-700" },
};

function StatusIndicator({ status }: { status: Status }) {
  const { label, dot, text } = STATUS[status];
  return (
    <span
      role="status"
      data-testid="live-status"
      className={`inline-flex items-center gap-2 text-sm font-medium ${text}`}
    >
      <span className="relative flex h-2.5 w-2.5" aria-hidden="true">
        {status === "live" ? (
          <span className={`absolute inline-flex h-full w-full animate-ping rounded-full opacity-60 ${dot}`} />
        ) : null}
        <span className={`relative inline-flex h-2.5 w-2.5 rounded-full ${dot}`} />
      </span>
      {label}
    </span>
  );
}
