"use client";

import { Archive, Search, UsersRound } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { SegmentSummary } from "@/lib/segments/segment-views";
import { api } from "../api/client";
import { EmptyState } from "../events/empty-state";
import { formatCount } from "../events/format";
import { Button } from "../ui/button";
import { Badge, Card } from "../ui/card";
import { FormAlert } from "../ui/field";
import { LocalTime } from "../ui/local-time";
import { ListToolbar } from "../ui/list-toolbar";
import { SizeSparkline } from "./charts";
import { NewSegmentButton } from "./new-segment-button";

export type SegmentsFilter = "dynamic" | "manual" | "archived" | null;

const TABS: { filter: SegmentsFilter; label: string }[] = [
  { filter: null, label: "All" },
  { filter: "dynamic", label: "Dynamic" },
  { filter: "manual", label: "Manual" },
  { filter: "archived", label: "Archived" },
];

function href(slug: string, q: string, filter: SegmentsFilter): string {
  const params = new URLSearchParams({
    ...(q ? { q } : {}),
    ...(filter === "archived" ? { archived: "true" } : filter ? { kind: filter } : {}),
  }).toString();
  return `/w/${slug}/segments${params ? `?${params}` : ""}`;
}

export function SegmentsList({
  slug,
  segments,
  q,
  filter,
  canEdit,
}: {
  slug: string;
  segments: SegmentSummary[];
  q: string;
  filter: SegmentsFilter;
  canEdit: boolean;
}) {
  const router = useRouter();
  const [search, setSearch] = useState(q);
  const [rowError, setRowError] = useState<string | null>(null);

  function onSearch(e: FormEvent) {
    e.preventDefault();
    router.push(href(slug, search.trim(), filter));
  }

  async function archive(segment: SegmentSummary) {
    if (!confirm(`Archive “${segment.name}”? It stops updating, and journeys can no longer start from it.`)) return;
    setRowError(null);
    const result = await api.segments.archive(slug, segment.id);
    if (!result.ok) setRowError(result.error.message);
    router.refresh();
  }

  return (
    <div className="mt-6 space-y-5">
      <ListToolbar
        tabsLabel="Segment kind"
        tabs={TABS.map((tab) => ({
          label: tab.label,
          href: href(slug, q, tab.filter),
          current: filter === tab.filter,
        }))}
        searchLabel="Search segments"
        search={search}
        onSearchChange={setSearch}
        onSearch={onSearch}
      />
      <FormAlert message={rowError} />
      {segments.length === 0 ? (
        q || filter ? (
          <EmptyState icon={Search} heading="No segments match">
            <p>
              Nothing {filter === "archived" ? "archived " : filter ? `${filter} ` : ""}
              {q ? `named like “${q}”` : "here"}.{" "}
              <Link href={`/w/${slug}/segments`} className="font-medium text-brand-700 hover:underline">
                Show all segments
              </Link>
            </p>
          </EmptyState>
        ) : (
          <EmptyState
            icon={UsersRound}
            heading="No segments yet"
            actions={canEdit ? <NewSegmentButton slug={slug} label="Create your first segment" /> : undefined}
          >
            <p>
              A segment is a group of people defined by what they did and who they are — “viewed a product 3 times this
              week and didn&apos;t order” — kept current as events arrive. Journeys can start when someone enters one.
            </p>
            {canEdit ? null : <p>An editor of this workspace can create one; you will be able to read it here.</p>}
          </EmptyState>
        )
      ) : (
        <Card>
          <table className="-my-2 w-full text-left text-sm" data-testid="segments">
            <thead className="text-xs tracking-wide text-stone-500 uppercase">
              <tr>
                <th className="py-2 font-medium">Name</th>
                <th className="py-2 font-medium">Kind</th>
                <th className="py-2 text-right font-medium">Size</th>
                <th className="py-2 pl-6 font-medium">Last 30 days</th>
                <th className="py-2 font-medium">Updated</th>
                {canEdit ? <th className="py-2 text-right font-medium">Actions</th> : null}
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {segments.map((s) => (
                <tr key={s.id} data-testid={`segment-${s.name}`}>
                  <td className="py-3">
                    <Link
                      href={`/w/${slug}/segments/${s.id}`}
                      className="font-medium text-stone-900 hover:text-brand-700 hover:underline"
                    >
                      {s.name}
                    </Link>
                    {s.archived ? (
                      <span className="ml-2">
                        <Badge>Archived</Badge>
                      </span>
                    ) : null}
                  </td>
                  <td className="py-3">
                    <Badge tone={s.kind === "dynamic" ? "brand" : "amber"}>
                      {s.kind === "dynamic" ? "Dynamic" : "Manual"}
                    </Badge>
                  </td>
                  <td className="py-3 text-right font-medium text-stone-900 tabular-nums" data-testid="segment-size">
                    {formatCount(s.memberCount)}
                  </td>
                  <td className="py-2 pl-6">
                    <SizeSparkline name={s.name} points={s.trend} />
                  </td>
                  <td className="py-3 text-stone-600">
                    <LocalTime iso={s.updatedAt} />
                  </td>
                  {canEdit ? (
                    <td className="py-2 text-right whitespace-nowrap">
                      {s.archived ? null : (
                        <Button
                          variant="ghost"
                          className="px-2 py-1.5 text-xs text-red-700 hover:bg-red-50 hover:text-red-800"
                          onClick={() => void archive(s)}
                        >
                          <Archive className="h-3.5 w-3.5" aria-hidden="true" />
                          Archive<span className="sr-only"> {s.name}</span>
                        </Button>
                      )}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
    </div>
  );
}
