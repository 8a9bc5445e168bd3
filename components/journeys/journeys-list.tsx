"use client";

import { Archive, ArchiveRestore, Copy, Pencil, Route, Search } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { JourneySummary } from "@/lib/journeys/journey-views";
import type { JourneyStatus } from "@/lib/journeys/schemas";
import { api } from "../api/client";
import { EmptyState } from "../events/empty-state";
import { Button } from "../ui/button";
import { Badge, Card } from "../ui/card";
import { FormAlert } from "../ui/field";
import { LocalTime } from "../ui/local-time";
import { ListToolbar } from "../ui/list-toolbar";
import { NameDialog } from "../ui/name-dialog";
import { NewJourneyButton } from "./new-journey-button";

const STATUS_TONE: Record<JourneyStatus, "brand" | "amber" | "stone"> = {
  LIVE: "brand",
  PAUSED: "amber",
  DRAFT: "stone",
  ARCHIVED: "stone",
};
const TABS: { status: JourneyStatus | null; label: string }[] = [
  { status: null, label: "All" },
  { status: "DRAFT", label: "Draft" },
  { status: "LIVE", label: "Live" },
  { status: "PAUSED", label: "Paused" },
  { status: "ARCHIVED", label: "Archived" },
];

function href(slug: string, q: string, status: JourneyStatus | null): string {
  const params = new URLSearchParams({
    ...(q ? { q } : {}),
    ...(status ? { status: status.toLowerCase() } : {}),
  }).toString();
  return `/w/${slug}/journeys${params ? `?${params}` : ""}`;
}

export function JourneysList({
  slug,
  journeys,
  q,
  status,
  canEdit,
}: {
  slug: string;
  journeys: JourneySummary[];
  q: string;
  status: JourneyStatus | null;
  canEdit: boolean;
}) {
  const router = useRouter();
  const [search, setSearch] = useState(q);
  const [renaming, setRenaming] = useState<JourneySummary | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);

  function onSearch(e: FormEvent) {
    e.preventDefault();
    router.push(href(slug, search.trim(), status));
  }

  async function act(journey: JourneySummary, action: "duplicate" | "archive" | "restore") {
    if (
      action === "archive" &&
      !confirm(
        `Archive “${journey.name}”? Nobody new enters it; people already in it finish. You can restore it later.`,
      )
    )
      return;
    setRowError(null);
    const result = await api.journeys[action](slug, journey.id);
    if (!result.ok) setRowError(result.error.message);
    else if (action === "duplicate") router.push(`/w/${slug}/journeys/${result.data.id}`);
    router.refresh();
  }

  const filtered = Boolean(q || status);
  return (
    <div className="mt-6 space-y-5">
      <ListToolbar
        tabsLabel="Journey status"
        tabs={TABS.map((tab) => ({
          label: tab.label,
          href: href(slug, q, tab.status),
          current: status === tab.status,
        }))}
        searchLabel="Search journeys"
        search={search}
        onSearchChange={setSearch}
        onSearch={onSearch}
      />
      <FormAlert message={rowError} />
      {journeys.length === 0 ? (
        filtered ? (
          <EmptyState icon={Search} heading="No journeys match">
            <p>
              Nothing {status ? `${status.toLowerCase()} ` : ""}
              {q ? `named like “${q}”` : "here"}.{" "}
              <Link href={`/w/${slug}/journeys`} className="font-medium text-brand-700 hover:underline">
                Show all journeys
              </Link>
            </p>
          </EmptyState>
        ) : (
          <EmptyState
            icon={Route}
            heading="No journeys yet"
            actions={canEdit ? <NewJourneyButton slug={slug} label="Create your first journey" /> : undefined}
          >
            <p>
              A journey starts with a trigger (someone signs up, abandons a cart, enters a segment), then waits, checks
              conditions, sends messages and ends at a goal.
            </p>
            {canEdit ? null : <p>An editor of this workspace can create one; you will be able to follow it here.</p>}
          </EmptyState>
        )
      ) : (
        <Card>
          <table className="-my-2 w-full text-left text-sm" data-testid="journeys">
            <thead className="text-xs tracking-wide text-stone-500 uppercase">
              <tr>
                <th className="py-2 font-medium">Name</th>
                <th className="py-2 font-medium">Status</th>
                <th className="py-2 font-medium">Live version</th>
                <th className="py-2 font-medium">Updated</th>
                {canEdit ? <th className="py-2 text-right font-medium">Actions</th> : null}
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {journeys.map((j) => (
                <tr key={j.id} data-testid={`journey-${j.name}`}>
                  <td className="py-3">
                    <Link
                      href={`/w/${slug}/journeys/${j.id}`}
                      className="font-medium text-stone-900 hover:text-brand-700 hover:underline"
                    >
                      {j.name}
                    </Link>
                  </td>
                  <td className="py-3">
                    <Badge tone={STATUS_TONE[j.status]}>{j.status.toLowerCase()}</Badge>
                  </td>
                  <td className="py-3 text-stone-700">{j.liveVersion ? `v${j.liveVersion}` : "—"}</td>
                  <td className="py-3 text-stone-600">
                    <LocalTime iso={j.updatedAt} />
                  </td>
                  {canEdit ? (
                    <td className="py-2 text-right whitespace-nowrap">
                      <Button variant="ghost" className="px-2 py-1.5 text-xs" onClick={() => setRenaming(j)}>
                        <Pencil className="h-3.5 w-3.5" aria-hidden="true" />
                        Rename<span className="sr-only"> {j.name}</span>
                      </Button>
                      <Button variant="ghost" className="px-2 py-1.5 text-xs" onClick={() => void act(j, "duplicate")}>
                        <Copy className="h-3.5 w-3.5" aria-hidden="true" />
                        Duplicate<span className="sr-only"> {j.name}</span>
                      </Button>
                      {j.status === "ARCHIVED" ? (
                        <Button variant="ghost" className="px-2 py-1.5 text-xs" onClick={() => void act(j, "restore")}>
                          <ArchiveRestore className="h-3.5 w-3.5" aria-hidden="true" />
                          Restore<span className="sr-only"> {j.name}</span>
                        </Button>
                      ) : (
                        <Button
                          variant="ghost"
                          className="px-2 py-1.5 text-xs text-red-700 hover:bg-red-50 hover:text-red-800"
                          onClick={() => void act(j, "archive")}
                        >
                          <Archive className="h-3.5 w-3.5" aria-hidden="true" />
                          Archive<span className="sr-only"> {j.name}</span>
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
      {renaming ? <RenameDialog slug={slug} journey={renaming} onClose={() => setRenaming(null)} /> : null}
    </div>
  );
}

function RenameDialog({ slug, journey, onClose }: { slug: string; journey: JourneySummary; onClose: () => void }) {
  const router = useRouter();
  return (
    <NameDialog
      fieldLabel="Journey name"
      title="Rename journey"
      initialName={journey.name}
      submitLabel="Rename"
      pendingLabel="Saving…"
      save={(name) => api.journeys.rename(slug, journey.id, { name })}
      onDone={() => {
        onClose();
        router.refresh();
      }}
      onClose={onClose}
    />
  );
}
