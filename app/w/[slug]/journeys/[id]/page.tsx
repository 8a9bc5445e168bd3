import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { JourneyEditor } from "@/components/canvas/journey-editor";
import { can } from "@/lib/auth/context";
import { AppError } from "@/lib/errors";
import { requirePageWorkspace } from "@/lib/http/page-auth";
import { getJourney } from "@/lib/journeys/read-journeys";

export const metadata: Metadata = { title: "Journey" };

export default async function JourneyEditorPage({ params }: { params: Promise<{ slug: string; id: string }> }) {
  const { slug, id } = await params;
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/journeys/${id}`);
  const journey = await getJourney(ctx, id).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  });
  return <JourneyEditor key={journey.id} slug={slug} journey={journey} canEdit={can(ctx, "content:write")} />;
}
