"use client";

import { useSyncExternalStore } from "react";
import { formatDateTime, formatTimesInText, viewerTimeZone } from "./format";

/**
 * The viewer's time zone in client components: null while rendering on the server (which does not know it, and
 * writes UTC, saying so), the browser's zone once hydrated; both renders agree, so hydration does not warn.
 */
const noSubscription = () => () => {};
export function useViewerTimeZone(): string | null {
  return useSyncExternalStore(noSubscription, viewerTimeZone, () => null);
}

/** A moment in the viewer's zone, the zone named: "6 Dec 2026, 15:05 (Europe/Paris)"; the UTC time on hover. */
export function LocalTime({ iso, seconds = false }: { iso: string | null | undefined; seconds?: boolean }) {
  const zone = useViewerTimeZone();
  if (!iso) return <>{formatDateTime(iso)}</>;
  return (
    <time dateTime={iso} title={formatDateTime(iso, { seconds: true })}>
      {formatDateTime(iso, { seconds, timeZone: zone ?? "UTC" })}
    </time>
  );
}

/** A sentence with ISO timestamps in it (an engine decision's outcome), the times written in the viewer's zone. */
export function LocalTimesInText({ text }: { text: string }) {
  const zone = useViewerTimeZone();
  return <>{formatTimesInText(text, { timeZone: zone ?? "UTC" })}</>;
}
