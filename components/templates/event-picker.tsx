"use client";

import { useEffect, useId, useState } from "react";
import type { PreviewEventInput } from "@/lib/messaging/templates/schemas";
import { api } from "../api/client";

/**
 * Which event `event.*` renders with in the preview and the test send: the sample order, one of the picked
 * person's stored events, the newest event of a catalog name, or properties typed as JSON (checked by the server,
 * which names event.properties when it does not parse). The choice is sent as is; nothing here parses JSON.
 */
type Mode = "sample" | "person" | "catalog" | "json";
interface StoredEvent {
  id: string;
  name: string | null;
  type: string;
  timestamp: string | null;
  properties: Record<string, unknown>;
}

const SELECT =
  "block w-full rounded-md border-0 bg-white px-3 py-1.5 text-sm text-stone-900 shadow-sm ring-1 ring-inset ring-stone-300 outline-none focus:ring-2 focus:ring-brand-600";

export function EventPicker({
  slug,
  profileId,
  onChange,
}: {
  slug: string;
  profileId: string | null;
  onChange: (event: PreviewEventInput | null) => void;
}) {
  const id = useId();
  const [mode, setMode] = useState<Mode>("sample");
  const [events, setEvents] = useState<StoredEvent[] | null>(null);
  const [catalog, setCatalog] = useState<string[] | null>(null);
  const [eventId, setEventId] = useState("");
  const [name, setName] = useState("");
  const [json, setJson] = useState('{\n  "items": [{ "name": "Blue mug", "quantity": 1, "price": 12 }]\n}');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (mode !== "person" || !profileId) return;
    let cancelled = false;
    void api.templates.previewEvents(slug, profileId).then((result) => {
      if (cancelled) return;
      if (result.ok) {
        setEvents(result.data.events);
        setError(null);
      } else setError(result.error.message);
    });
    return () => {
      cancelled = true;
    };
  }, [slug, mode, profileId]);

  useEffect(() => {
    if (mode !== "catalog" || catalog) return;
    void api.templates
      .previewCatalog(slug)
      .then((result) => (result.ok ? setCatalog(result.data.catalog) : setError(result.error.message)));
  }, [slug, mode, catalog]);

  // what the preview renders with follows the choice; the parent debounces the render
  useEffect(() => {
    if (mode === "person" && eventId && profileId) onChange({ source: "stored", id: eventId });
    else if (mode === "catalog" && name) onChange({ source: "catalog", name });
    else if (mode === "json") onChange({ source: "json", properties: json });
    else onChange(null);
    // onChange is the parent's setter
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [mode, eventId, name, json, profileId]);

  const picked = events?.find((e) => e.id === eventId);
  return (
    <div className="rounded-lg bg-white p-4 ring-1 ring-stone-200" data-testid="event-picker">
      <label htmlFor={`${id}-mode`} className="block text-sm text-stone-700">
        Event for <code className="rounded bg-stone-100 px-1">event.properties</code>
      </label>
      <select
        id={`${id}-mode`}
        value={mode}
        onChange={(e) => setMode(e.target.value as Mode)}
        className={`${SELECT} mt-1.5`}
      >
        <option value="sample">The sample order</option>
        <option value="person" disabled={!profileId}>
          One of this person’s events{profileId ? "" : " (pick a person first)"}
        </option>
        <option value="catalog">An event from the catalog (its newest)</option>
        <option value="json">Properties typed as JSON</option>
      </select>
      {mode === "person" && profileId ? (
        <div className="mt-2">
          <label htmlFor={`${id}-event`} className="sr-only">
            The person’s event
          </label>
          <select id={`${id}-event`} value={eventId} onChange={(e) => setEventId(e.target.value)} className={SELECT}>
            <option value="">
              {events === null
                ? "Loading their events…"
                : events.length
                  ? "Choose one of their events"
                  : "They have no events"}
            </option>
            {(events ?? []).map((e) => (
              <option key={e.id} value={e.id}>
                {e.name ?? e.type} {e.timestamp ? `· ${e.timestamp.slice(0, 16).replace("T", " ")}` : ""}
              </option>
            ))}
          </select>
          {picked ? (
            <pre className="mt-2 max-h-32 overflow-auto rounded bg-stone-50 p-2 text-xs text-stone-700">
              {JSON.stringify(picked.properties, null, 2)}
            </pre>
          ) : null}
        </div>
      ) : null}
      {mode === "catalog" ? (
        <div className="mt-2">
          <label htmlFor={`${id}-name`} className="sr-only">
            Catalog event
          </label>
          <select id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} className={SELECT}>
            <option value="">
              {catalog === null
                ? "Loading the catalog…"
                : catalog.length
                  ? "Choose an event"
                  : "No events received yet"}
            </option>
            {(catalog ?? []).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {mode === "json" ? (
        <div className="mt-2">
          <label htmlFor={`${id}-json`} className="text-xs text-stone-500">
            Event properties (JSON, at most 32 KB)
          </label>
          <textarea
            id={`${id}-json`}
            rows={6}
            spellCheck={false}
            value={json}
            onChange={(e) => setJson(e.target.value)}
            className={`${SELECT} mt-1 font-mono text-xs`}
          />
        </div>
      ) : null}
      {error ? <p className="mt-2 text-sm text-red-700">{error}</p> : null}
    </div>
  );
}
