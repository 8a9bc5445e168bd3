import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { PredictionForm } from "@/components/predictions/prediction-form";
import { PageHeader } from "@/components/shell/page-header";
import { Card } from "@/components/ui/card";
import { can } from "@/lib/auth/context";
import { listCatalogNames } from "@/lib/events/events";
import { requirePageWorkspace } from "@/lib/http/page-auth";
import { predictionStartingPoints } from "@/lib/predictions/definitions";
import { listSegments } from "@/lib/segments/list-segments";

export const metadata: Metadata = { title: "New prediction" };

/** The form for a new prediction (editors); it is trained as soon as it is created. */
export default async function NewPredictionPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/predictions/new`);
  if (!can(ctx, "content:write")) redirect(`/w/${slug}/predictions`);
  const [events, segments, startingPoints] = await Promise.all([
    listCatalogNames(ctx),
    listSegments(ctx),
    predictionStartingPoints(ctx),
  ]);
  return (
    <>
      <PageHeader
        title="New prediction"
        description="Cairn learns from history: it looks at people as they were on past dates and at what they did in the days after, then checks itself on the most recent period it did not learn from."
      />
      <div className="mt-6">
        <Card>
          <PredictionForm
            slug={slug}
            events={events}
            segments={segments.map((s) => ({ id: s.id, name: s.name, memberCount: s.memberCount }))}
            startingPoints={startingPoints}
          />
        </Card>
      </div>
    </>
  );
}
