import type { Metadata } from "next";
import { JourneysList } from "@/components/journeys/journeys-list";
import { NewJourneyButton } from "@/components/journeys/new-journey-button";
import { PageHeader } from "@/components/shell/page-header";
import { can } from "@/lib/auth/context";
import { requirePageWorkspace } from "@/lib/http/page-auth";
import { listJourneys } from "@/lib/journeys/read-journeys";
import { JOURNEY_STATUSES, type JourneyStatus } from "@/lib/journeys/schemas";

export const metadata: Metadata = { title: "Journeys" };

export default async function JourneysPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<{ q?: string; status?: string }>;
}) {
  const { slug } = await params;
  const query = await searchParams;
  const q = (query.q ?? "").trim().slice(0, 120);
  const status = JOURNEY_STATUSES.find((s) => s === query.status?.toUpperCase()) as JourneyStatus | undefined;
  const search = new URLSearchParams({
    ...(q ? { q } : {}),
    ...(status ? { status: status.toLowerCase() } : {}),
  }).toString();
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/journeys${search ? `?${search}` : ""}`);
  const canEdit = can(ctx, "content:write");
  const journeys = await listJourneys(ctx, { q: q || undefined, status });
  return (
    <>
      <PageHeader
        title="Journeys"
        description="Draw the paths your customers take: a trigger, waits, conditions, splits and messages, up to a goal."
        actions={canEdit ? <NewJourneyButton slug={slug} /> : undefined}
      />
      <JourneysList slug={slug} journeys={journeys} q={q} status={status ?? null} canEdit={canEdit} />
    </>
  );
}
