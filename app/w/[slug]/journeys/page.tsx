import { Route } from "lucide-react";
import type { Metadata } from "next";
import { PageHeader } from "@/components/shell/page-header";
import { PlannedSection } from "@/components/shell/planned-section";
import { Badge, Card } from "@/components/ui/card";
import { formatDateTime } from "@/components/ui/format";
import { requirePageWorkspace } from "@/lib/http/page-auth";
import { listJourneys, type JourneyStatus } from "@/lib/journeys/journeys";

export const metadata: Metadata = { title: "Journeys" };

const STATUS_TONE: Record<JourneyStatus, "brand" | "amber" | "stone"> = { LIVE: "brand", PAUSED: "amber", DRAFT: "stone", ARCHIVED: "stone" };

export default async function JourneysPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/journeys`);
  const journeys = await listJourneys(ctx);
  return (
    <>
      <PageHeader title="Journeys" description="Draw the paths your customers take: a trigger, waits, conditions, splits and messages, up to a goal." />
      {journeys.length > 0 ? (
        <div className="mt-8">
          <Card title="Journeys" description="Created through the journeys API (docs/journey-schema.md). The canvas to edit them here is coming next.">
            <table className="w-full text-left text-sm" data-testid="journeys">
              <thead className="text-xs tracking-wide text-stone-500 uppercase">
                <tr>
                  <th className="py-2 font-medium">Name</th>
                  <th className="py-2 font-medium">Status</th>
                  <th className="py-2 font-medium">Live version</th>
                  <th className="py-2 font-medium">Updated</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-stone-100">
                {journeys.map((j) => (
                  <tr key={j.id}>
                    <td className="py-3 font-medium text-stone-900">{j.name}</td>
                    <td className="py-3">
                      <Badge tone={STATUS_TONE[j.status]}>{j.status.toLowerCase()}</Badge>
                    </td>
                    <td className="py-3 text-stone-700">{j.liveVersion ? `v${j.liveVersion}` : "—"}</td>
                    <td className="py-3 text-stone-600">{formatDateTime(j.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
        </div>
      ) : null}
      <PlannedSection
        icon={Route}
        heading={journeys.length ? "The journey canvas" : "No journeys yet"}
        points={[
          "A canvas to draw triggers, delays, waits for events, conditions, A/B splits, messages and goals",
          "Validation that points at the node to fix, versioned publishing with a diff, pause and resume",
          "Live counts on every node: how many people entered, are waiting, and left",
        ]}
      />
    </>
  );
}
