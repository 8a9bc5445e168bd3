import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { SegmentBuilder } from "@/components/segments/builder";
import { can } from "@/lib/auth/context";
import { AppError } from "@/lib/errors";
import { listEventCatalog } from "@/lib/events/events";
import { requirePageWorkspace } from "@/lib/http/page-auth";
import { getSegment } from "@/lib/segments/get-segment";
import { listSegments } from "@/lib/segments/list-segments";
import { listTraitCatalog } from "@/lib/segments/traits";

export const metadata: Metadata = { title: "Edit segment" };

/** The builder on a saved dynamic segment (read-only for viewers). */
export default async function EditSegmentPage({ params }: { params: Promise<{ slug: string; id: string }> }) {
  const { slug, id } = await params;
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/segments/${id}/edit`);
  const segment = await getSegment(ctx, id).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  });
  if (segment.kind !== "dynamic" || segment.archived) redirect(`/w/${slug}/segments/${id}`);
  const [catalog, traits, segments] = await Promise.all([
    listEventCatalog(ctx),
    listTraitCatalog(ctx),
    listSegments(ctx),
  ]);
  return (
    <SegmentBuilder
      key={`${segment.id}:${segment.version}`}
      slug={slug}
      segment={{ id: segment.id, name: segment.name, description: segment.description, definition: segment.definition }}
      events={catalog.map((e) => ({ name: e.name, properties: e.properties.map((p) => p.key) }))}
      traits={traits}
      segments={segments.map((s) => ({ id: s.id, name: s.name }))}
      canEdit={can(ctx, "content:write")}
    />
  );
}
