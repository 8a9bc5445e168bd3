import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SegmentBuilder } from "@/components/segments/builder";
import { can } from "@/lib/auth/context";
import { listEventCatalog } from "@/lib/events/events";
import { requirePageWorkspace } from "@/lib/http/page-auth";
import { listSegments } from "@/lib/segments/list-segments";
import { listTraitCatalog } from "@/lib/segments/traits";

export const metadata: Metadata = { title: "New segment" };

/** The builder for a new dynamic segment; it is created when its definition is first saved. */
export default async function NewSegmentPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<{ name?: string }>;
}) {
  const { slug } = await params;
  const name = ((await searchParams).name ?? "").slice(0, 120);
  const { ctx } = await requirePageWorkspace(
    slug,
    `/w/${slug}/segments/new${name ? `?name=${encodeURIComponent(name)}` : ""}`,
  );
  if (!can(ctx, "content:write")) redirect(`/w/${slug}/segments`);
  const [catalog, traits, segments] = await Promise.all([
    listEventCatalog(ctx),
    listTraitCatalog(ctx),
    listSegments(ctx),
  ]);
  return (
    <SegmentBuilder
      slug={slug}
      segment={null}
      initialName={name}
      events={catalog.map((e) => ({ name: e.name, properties: e.properties.map((p) => p.key) }))}
      traits={traits}
      segments={segments.map((s) => ({ id: s.id, name: s.name }))}
      canEdit
    />
  );
}
