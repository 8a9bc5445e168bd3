import type { Metadata } from "next";
import { NewSegmentButton } from "@/components/segments/new-segment-button";
import { SegmentsList, type SegmentsFilter } from "@/components/segments/segments-list";
import { PageHeader } from "@/components/shell/page-header";
import { can } from "@/lib/auth/context";
import { requirePageWorkspace } from "@/lib/http/page-auth";
import { listSegments } from "@/lib/segments/list-segments";

export const metadata: Metadata = { title: "Segments" };

export default async function SegmentsPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<{ q?: string; kind?: string; archived?: string }>;
}) {
  const { slug } = await params;
  const query = await searchParams;
  const q = (query.q ?? "").trim().slice(0, 120);
  const archived = query.archived === "true";
  const kind = query.kind === "dynamic" || query.kind === "manual" ? query.kind : null;
  const filter: SegmentsFilter = archived ? "archived" : kind;
  const search = new URLSearchParams({
    ...(q ? { q } : {}),
    ...(kind ? { kind } : {}),
    ...(archived ? { archived: "true" } : {}),
  }).toString();
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/segments${search ? `?${search}` : ""}`);
  const canEdit = can(ctx, "content:write");
  const segments = (await listSegments(ctx, { q: q || undefined, archived })).filter(
    (s) => archived || !kind || s.kind === kind,
  );
  return (
    <>
      <PageHeader
        title="Segments"
        description="Groups of people by what they did and who they are, kept current as events arrive. Journeys start when someone enters one, and branch on membership."
        actions={canEdit ? <NewSegmentButton slug={slug} /> : undefined}
      />
      <SegmentsList slug={slug} segments={segments} q={q} filter={filter} canEdit={canEdit} />
    </>
  );
}
