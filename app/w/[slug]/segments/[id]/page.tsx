import { ArrowLeft, Pencil } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { formatCount, formatDay } from "@/components/events/format";
import { EntriesExits, SizeTrend } from "@/components/segments/charts";
import { ConditionTree } from "@/components/segments/condition-tree";
import { CsvUpload } from "@/components/segments/csv-upload";
import { MembersTable } from "@/components/segments/members-table";
import { toDraft } from "@/components/segments/model";
import { RecomputeButton } from "@/components/segments/recompute-button";
import { PageHeader } from "@/components/shell/page-header";
import { buttonClass } from "@/components/ui/button";
import { Badge, Card } from "@/components/ui/card";
import { formatDateTime } from "@/components/ui/format";
import { can } from "@/lib/auth/context";
import { AppError } from "@/lib/errors";
import { requirePageWorkspace } from "@/lib/http/page-auth";
import { getSegment } from "@/lib/segments/get-segment";
import { listMembers } from "@/lib/segments/list-members";
import { listSegments } from "@/lib/segments/list-segments";

export const metadata: Metadata = { title: "Segment" };

const PAGE_SIZE = 50;

export default async function SegmentPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string; id: string }>;
  searchParams: Promise<{ q?: string | string[]; cursor?: string | string[] }>;
}) {
  const { slug, id } = await params;
  const query = await searchParams;
  const q = typeof query.q === "string" ? query.q.trim().slice(0, 200) : "";
  const cursor = typeof query.cursor === "string" && query.cursor.length <= 200 ? query.cursor : undefined;
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/segments/${id}`);
  const notFoundOr = (error: unknown): never => {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  };
  const segment = await getSegment(ctx, id).catch(notFoundOr);
  const [members, segments] = await Promise.all([
    listMembers(ctx, id, { q: q || undefined, cursor, limit: PAGE_SIZE }).catch((error: unknown) => {
      // a stale or hand-edited cursor: start from the newest members again
      if (error instanceof AppError && error.code === "validation")
        return listMembers(ctx, id, { q: q || undefined, limit: PAGE_SIZE });
      throw error;
    }),
    segment.definition ? listSegments(ctx) : Promise.resolve([]),
  ]);
  const canEdit = can(ctx, "content:write") && !segment.archived;
  const entered = segment.days.reduce((sum, d) => sum + d.entered, 0);
  const exited = segment.days.reduce((sum, d) => sum + d.exited, 0);
  const dynamic = segment.kind === "dynamic";
  // days start when the segment was created
  const span =
    segment.days.length >= 30
      ? "the last 30 days"
      : segment.days.length
        ? `since it was created on ${formatDay(segment.days[0].day)}`
        : "since it was created";

  return (
    <>
      <Link
        href={`/w/${slug}/segments`}
        className="mb-3 inline-flex items-center gap-1.5 text-sm font-medium text-stone-500 hover:text-stone-900"
      >
        <ArrowLeft className="h-4 w-4" aria-hidden="true" /> Segments
      </Link>
      <PageHeader
        title={segment.name}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <Badge tone={dynamic ? "brand" : "amber"}>{dynamic ? "Dynamic" : "Manual"}</Badge>
            {segment.archived ? <Badge>Archived</Badge> : null}
            <span>
              {segment.description ||
                (dynamic
                  ? "Kept current as events arrive and as time passes."
                  : "The people in the last uploaded list.")}
            </span>
          </span>
        }
        actions={
          <>
            {dynamic && !segment.archived ? (
              <RecomputeButton slug={slug} segmentId={segment.id} initial={segment.recompute} canEdit={canEdit} />
            ) : null}
            {dynamic && canEdit ? (
              <Link href={`/w/${slug}/segments/${segment.id}/edit`} className={buttonClass("primary")}>
                <Pencil className="h-4 w-4" aria-hidden="true" />
                Edit definition
              </Link>
            ) : null}
          </>
        }
      />

      <dl className="mt-6 grid gap-4 sm:grid-cols-3">
        <Stat label="In the segment now" value={formatCount(segment.memberCount)} testId="segment-member-count" />
        <Stat label="Entered, last 30 days" value={formatCount(entered)} testId="segment-entered" />
        <Stat label="Left, last 30 days" value={formatCount(exited)} testId="segment-exited" />
      </dl>

      <div className="mt-6 grid gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          {dynamic && segment.definition ? (
            <Card
              title="Who is in it"
              description={`Definition v${segment.version}, changed by ${segment.updatedBy} · ${formatDateTime(segment.updatedAt)}`}
            >
              <div data-testid="segment-definition">
                <ConditionTree
                  root={toDraft(segment.definition)}
                  readOnly
                  segments={segments.map((s) => ({ id: s.id, name: s.name }))}
                />
              </div>
            </Card>
          ) : !dynamic && canEdit ? (
            <Card
              title="Upload members"
              description="A CSV of user ids. Choose each time whether it replaces the members or adds to them."
            >
              <CsvUpload slug={slug} segmentId={segment.id} />
            </Card>
          ) : null}
          <Card title="Size over time" description={`People in the segment at the end of each day (UTC), ${span}.`}>
            {segment.days.length ? (
              <SizeTrend points={segment.days.map(({ day, size }) => ({ day, size }))} />
            ) : (
              <p className="text-sm text-stone-500">No history yet.</p>
            )}
          </Card>
          <Card
            title="Entries and exits per day"
            description={`People who entered and who left the segment each day (UTC), ${span}.`}
          >
            {segment.days.length ? (
              <EntriesExits
                points={segment.days.map(({ day, entered, exited }) => ({ day, entries: entered, exits: exited }))}
              />
            ) : (
              <p className="text-sm text-stone-500">No history yet.</p>
            )}
          </Card>
          <div id="members">
            <Card
              title="Members"
              description={`${formatCount(members.total)} ${members.total === 1 ? "person" : "people"}, most recent entries first.`}
            >
              <MembersTable
                key={q}
                slug={slug}
                segmentId={segment.id}
                members={members.members}
                q={q}
                paged={!!cursor}
                nextCursor={members.nextCursor}
              />
            </Card>
          </div>
        </div>
        <div className="space-y-6">
          <Card title="Used by">
            {segment.usedBy.journeys.length || segment.usedBy.segments.length ? (
              <ul className="space-y-2 text-sm" data-testid="used-by">
                {segment.usedBy.journeys.map((j) => (
                  <li key={j.id} className="flex items-center justify-between gap-2">
                    <Link
                      href={`/w/${slug}/journeys/${j.id}`}
                      className="font-medium text-stone-900 hover:text-brand-700 hover:underline"
                    >
                      {j.name}
                    </Link>
                    <Badge tone={j.status === "LIVE" ? "brand" : "stone"}>Journey · {j.status.toLowerCase()}</Badge>
                  </li>
                ))}
                {segment.usedBy.segments.map((s) => (
                  <li key={s.id} className="flex items-center justify-between gap-2">
                    <Link
                      href={`/w/${slug}/segments/${s.id}`}
                      className="font-medium text-stone-900 hover:text-brand-700 hover:underline"
                    >
                      {s.name}
                    </Link>
                    <Badge>Segment</Badge>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm text-stone-500">
                No journey or segment uses it yet. A journey can start when someone enters it (the “Enters a segment”
                trigger).
              </p>
            )}
          </Card>
          <Card title="About">
            <dl className="space-y-2 text-sm">
              <div className="flex justify-between gap-3">
                <dt className="text-stone-500">Created</dt>
                <dd className="text-right text-stone-800">
                  {formatDateTime(segment.createdAt)}
                  <br />
                  <span className="text-stone-500">by {segment.createdBy}</span>
                </dd>
              </div>
              <div className="flex justify-between gap-3">
                <dt className="text-stone-500">Updated</dt>
                <dd className="text-right text-stone-800">
                  {formatDateTime(segment.updatedAt)}
                  <br />
                  <span className="text-stone-500">by {segment.updatedBy}</span>
                </dd>
              </div>
              <div className="flex justify-between gap-3">
                <dt className="text-stone-500">Segment id</dt>
                <dd className="font-mono text-xs break-all text-stone-700">{segment.id}</dd>
              </div>
            </dl>
          </Card>
        </div>
      </div>
    </>
  );
}

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="rounded-xl bg-white px-5 py-4 shadow-sm ring-1 ring-stone-200">
      <dt className="text-xs font-medium tracking-wide text-stone-500 uppercase">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tracking-tight text-stone-900 tabular-nums" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}
