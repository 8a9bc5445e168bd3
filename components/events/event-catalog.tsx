import { BookOpen } from "lucide-react";
import Link from "next/link";
import type { CatalogEntry } from "@/lib/events/events";
import { CATALOG_LIMITS } from "@/lib/ingest/limits";
import { buttonClass } from "../ui/button";
import { Badge, Card } from "../ui/card";
import { formatDateTime } from "../ui/format";
import { EmptyState } from "./empty-state";
import { formatCount } from "./format";
import { VolumeChart } from "./volume-chart";

/** Every event name seen in the workspace: its volume, when it was seen and the properties it carries. */
export function EventCatalog({ slug, entries }: { slug: string; entries: CatalogEntry[] }) {
  if (entries.length === 0) {
    return (
      <EmptyState
        icon={BookOpen}
        heading="The catalog is empty"
        actions={
          <Link href={`/w/${slug}/settings/sources`} className={buttonClass("primary")}>
            Send a test event
          </Link>
        }
      >
        <p>
          Every event name Cairn receives (track calls, page and screen views, webhook deliveries) is listed here with
          its daily volume and the properties it carries, so journeys and segments can use them.
        </p>
        <p>Nothing has been received yet: send your first event with a write API key, or connect a webhook source.</p>
      </EmptyState>
    );
  }
  // The rollup stops cataloguing new names and property keys at the caps (lib/ingest/rollup.ts): say so.
  const namesFull = entries.length >= CATALOG_LIMITS.eventTypes;
  const propertiesFull =
    entries.reduce((n, e) => n + e.properties.reduce((m, p) => m + p.types.length, 0), 0) >=
    CATALOG_LIMITS.eventProperties;
  return (
    <Card
      title="Event catalog"
      description={`${entries.length} ${entries.length === 1 ? "event name" : "event names"}, most recently seen first. Daily counts are UTC days.`}
    >
      {namesFull || propertiesFull ? (
        <p
          className="mb-4 rounded-lg bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200"
          role="status"
          data-testid="catalog-full"
        >
          The catalog is full: it lists at most {CATALOG_LIMITS.eventTypes.toLocaleString("en-GB")} event names and{" "}
          {CATALOG_LIMITS.eventProperties.toLocaleString("en-GB")} property keys per workspace.{" "}
          {namesFull ? "New event names" : "New property keys"} are still received, stored and usable in journeys and
          segments, but not listed here. Names that change with every event (an id or a date in the name) are the usual
          cause.
        </p>
      ) : null}
      <table className="w-full text-left text-sm" data-testid="event-catalog">
        <thead className="text-xs tracking-wide text-stone-500 uppercase">
          <tr>
            <th className="py-2 font-medium">Event</th>
            <th className="py-2 pl-4 font-medium">Last 30 days</th>
            <th className="py-2 pl-4 text-right font-medium">Total</th>
            <th className="py-2 pl-6 font-medium">Seen</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {entries.map((entry) => (
            <tr key={entry.name} data-testid={`catalog-${entry.name}`} className="align-top">
              <td className="py-3.5">
                <div className="font-medium text-stone-900">{entry.name}</div>
                {entry.properties.length === 0 ? (
                  <p className="mt-1.5 text-xs text-stone-400">No properties</p>
                ) : (
                  <ul className="mt-1.5 flex flex-wrap gap-1.5" aria-label={`Properties of ${entry.name}`}>
                    {entry.properties.map((property) => (
                      <li key={property.key}>
                        <Badge>
                          <span className="font-mono">{property.key}</span>
                          <span className="ml-1.5 font-normal text-stone-500">{property.types.join(" | ")}</span>
                        </Badge>
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              <td className="py-3.5 pl-4">
                <VolumeChart name={entry.name} daily={entry.daily} />
              </td>
              <td className="py-3.5 pl-4 text-right font-medium text-stone-900 tabular-nums">
                {formatCount(entry.total)}
              </td>
              <td className="py-3.5 pl-6 text-xs whitespace-nowrap text-stone-600">
                <div>
                  <span className="text-stone-400">Last</span> {formatDateTime(entry.lastSeenAt)}
                </div>
                <div className="mt-0.5">
                  <span className="text-stone-400">First</span> {formatDateTime(entry.firstSeenAt)}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
