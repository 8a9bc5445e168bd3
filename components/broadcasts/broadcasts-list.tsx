"use client";

import { Megaphone, Plus, Search } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { BroadcastList, BroadcastSummary } from "@/lib/broadcasts/broadcast-views";
import { BROADCAST_STATUSES, type BroadcastStatus } from "@/lib/broadcasts/schemas";
import { EmptyState } from "../events/empty-state";
import { formatCount } from "../events/format";
import { buttonClass } from "../ui/button";
import { Badge, Card } from "../ui/card";
import { ListToolbar } from "../ui/list-toolbar";
import { LocalTime } from "../ui/local-time";
import { CHANNEL_LABELS, statusLabel, statusTone, tracksEngagement } from "./model";

const STATUS_TABS: Record<BroadcastStatus, string> = {
  DRAFT: "Drafts",
  SCHEDULED: "Scheduled",
  SENDING: "Sending",
  PAUSED: "Paused",
  SENT: "Sent",
  CANCELLED: "Cancelled",
};

/** A broadcast not started yet has no sent count or rates: its row shows a dash rather than a guess. */
type Row = BroadcastSummary;

function href(slug: string, q: string, status: BroadcastStatus | null): string {
  const params = new URLSearchParams({ ...(q ? { q } : {}), ...(status ? { status } : {}) }).toString();
  return `/w/${slug}/broadcasts${params ? `?${params}` : ""}`;
}

const PERCENT = new Intl.NumberFormat("en-GB", { style: "percent", maximumFractionDigits: 1 });

export function NewBroadcastLink({ slug, label = "New broadcast" }: { slug: string; label?: string }) {
  return (
    <Link href={`/w/${slug}/broadcasts/new`} className={buttonClass("primary")}>
      <Plus className="h-4 w-4" aria-hidden="true" />
      {label}
    </Link>
  );
}

/** The broadcasts of a workspace, newest first, with a tab per status (and its count) and a search by name. */
export function BroadcastsList({
  slug,
  list,
  q,
  status,
  canEdit,
}: {
  slug: string;
  list: BroadcastList;
  q: string;
  status: BroadcastStatus | null;
  canEdit: boolean;
}) {
  const router = useRouter();
  const [search, setSearch] = useState(q);
  const total = BROADCAST_STATUSES.reduce((sum, s) => sum + (list.counts[s] ?? 0), 0);

  function onSearch(e: FormEvent) {
    e.preventDefault();
    router.push(href(slug, search.trim(), status));
  }

  const rows: Row[] = list.broadcasts;
  // the engagement columns only when the list answers them (a column of dashes says nothing)
  const engagement = rows.some((r) => r.sent !== undefined);
  return (
    <div className="mt-6 space-y-5">
      <ListToolbar
        tabsLabel="Broadcast status"
        tabs={[
          { label: `All ${total}`, href: href(slug, q, null), current: status === null },
          ...BROADCAST_STATUSES.map((s) => ({
            label: `${STATUS_TABS[s]} ${list.counts[s] ?? 0}`,
            href: href(slug, q, s),
            current: status === s,
          })),
        ]}
        searchLabel="Search broadcasts"
        search={search}
        onSearchChange={setSearch}
        onSearch={onSearch}
      />
      {rows.length === 0 ? (
        q || status ? (
          <EmptyState icon={Search} heading="No broadcasts match">
            <p>
              Nothing {status ? `${STATUS_TABS[status].toLowerCase()} ` : ""}
              {q ? `named like “${q}”` : "here"}.{" "}
              <Link href={`/w/${slug}/broadcasts`} className="font-medium text-brand-700 hover:underline">
                Show all broadcasts
              </Link>
            </p>
          </EmptyState>
        ) : (
          <EmptyState
            icon={Megaphone}
            heading="No broadcasts yet"
            actions={canEdit ? <NewBroadcastLink slug={slug} label="Create your first broadcast" /> : undefined}
          >
            <p>
              A broadcast is one message sent once to everyone in one or more segments — the newsletter, the launch
              announcement, the flash sale. Choose a template, the segments to send to (and to leave out), check the
              audience and a preview, send a test, then send now, at a time, or at the same local time in each
              person&apos;s zone.
            </p>
            {canEdit ? null : <p>An editor of this workspace can draft one; you will be able to follow it here.</p>}
          </EmptyState>
        )
      ) : (
        <Card>
          <table className="-my-2 w-full text-left text-sm" data-testid="broadcasts">
            <thead className="text-xs tracking-wide text-stone-500 uppercase">
              <tr>
                <th className="py-2 font-medium">Name</th>
                <th className="py-2 font-medium">Channel</th>
                <th className="py-2 font-medium">Status</th>
                <th className="py-2 text-right font-medium">Audience</th>
                {engagement ? (
                  <>
                    <th className="py-2 text-right font-medium">Sent</th>
                    <th className="py-2 text-right font-medium">Opened</th>
                    <th className="py-2 text-right font-medium">Clicked</th>
                  </>
                ) : null}
                <th className="py-2 pl-6 font-medium">By</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {rows.map((b) => (
                <tr key={b.id} data-testid={`broadcast-${b.name}`}>
                  <td className="py-3">
                    <Link
                      href={`/w/${slug}/broadcasts/${b.id}`}
                      className="font-medium text-stone-900 hover:text-brand-700 hover:underline"
                    >
                      {b.name}
                    </Link>
                    {b.variantCount > 1 ? (
                      <span className="ml-2 text-xs text-stone-500">{b.variantCount} variants</span>
                    ) : null}
                  </td>
                  <td className="py-3 text-stone-700">{CHANNEL_LABELS[b.channel]}</td>
                  <td className="py-3" data-testid="broadcast-status">
                    <Badge tone={statusTone(b.status)}>{statusLabel({ ...b, progress: null })}</Badge>
                  </td>
                  <td className="py-3 text-right text-stone-900 tabular-nums">
                    {b.status === "DRAFT" || b.status === "SCHEDULED" ? "—" : formatCount(b.audienceCount)}
                  </td>
                  {engagement ? (
                    <>
                      <td className="py-3 text-right text-stone-900 tabular-nums">
                        {b.sent === undefined ? "—" : formatCount(b.sent)}
                      </td>
                      <td className="py-3 text-right text-stone-700 tabular-nums">
                        {b.openRate == null || !tracksEngagement(b.channel) ? "—" : PERCENT.format(b.openRate)}
                      </td>
                      <td className="py-3 text-right text-stone-700 tabular-nums">
                        {b.clickRate == null || !tracksEngagement(b.channel) ? "—" : PERCENT.format(b.clickRate)}
                      </td>
                    </>
                  ) : null}
                  <td className="py-3 pl-6 text-xs text-stone-600">
                    {b.sentBy && b.startedAt ? (
                      <>
                        Sent by {b.sentBy}
                        <br />
                        <LocalTime iso={b.startedAt} />
                      </>
                    ) : (
                      <>
                        Created by {b.createdBy}
                        <br />
                        <LocalTime iso={b.createdAt} />
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
    </div>
  );
}
