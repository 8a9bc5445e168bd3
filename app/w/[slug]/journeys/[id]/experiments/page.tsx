import { FlaskConical } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { EmptyState } from "@/components/events/empty-state";
import { count } from "@/components/experiments/format";
import { PageHeader } from "@/components/shell/page-header";
import { buttonClass } from "@/components/ui/button";
import { Badge, Card } from "@/components/ui/card";
import { formatDateTime } from "@/components/ui/format";
import { AppError } from "@/lib/errors";
import { listExperiments } from "@/lib/experiments/read-experiments";
import { describeWeights, publishedWeights } from "@/lib/experiments/weights";
import { requirePageWorkspace } from "@/lib/http/page-auth";

export const metadata: Metadata = { title: "Experiments" };

export default async function JourneyExperimentsPage({ params }: { params: Promise<{ slug: string; id: string }> }) {
  const { slug, id } = await params;
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/journeys/${id}/experiments`);
  const { journey, experiments } = await listExperiments(ctx, id).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  });
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-3 text-sm text-stone-500">
        <Link href={`/w/${slug}/journeys`} className="hover:underline">
          Journeys
        </Link>
        {" / "}
        <Link href={`/w/${slug}/journeys/${id}`} className="hover:underline">
          {journey.name}
        </Link>
      </nav>
      <PageHeader title="Experiments" description={`Every A/B split of ${journey.name}, with its latest evaluation.`} />
      <div className="mt-6">
        {experiments.length === 0 ? (
          <EmptyState
            icon={FlaskConical}
            heading="No A/B splits in this journey"
            actions={
              <Link href={`/w/${slug}/journeys/${id}`} className={buttonClass("primary")}>
                Open the canvas
              </Link>
            }
          >
            <p>
              Add an A/B split step to the journey: each one is an experiment, measured here once the journey is live.
            </p>
          </EmptyState>
        ) : (
          <Card>
            <ul className="divide-y divide-stone-100" data-testid="experiments">
              {experiments.map((e) => (
                <li key={e.nodeId} className="flex flex-wrap items-center gap-4 py-3">
                  <div className="min-w-0 flex-1">
                    <Link
                      href={`/w/${slug}/journeys/${id}/experiments/${e.nodeId}`}
                      className="font-medium text-brand-700 hover:underline"
                    >
                      {e.label}
                    </Link>
                    <p className="text-xs text-stone-500">
                      {describeWeights(
                        e,
                        publishedWeights({
                          arms: e.arms,
                          holdout: e.holdoutWeight ? { weight: e.holdoutWeight } : undefined,
                        }),
                      )}
                    </p>
                  </div>
                  <span className="text-sm text-stone-600 tabular-nums">{count(e.assigned)} assigned</span>
                  {e.winner ? (
                    <Badge tone="brand">Winner: {e.winner.label}</Badge>
                  ) : e.enoughData === false ? (
                    <Badge tone="amber">not enough data</Badge>
                  ) : null}
                  {e.autoWinner !== "off" ? <Badge tone="stone">auto-winner: {e.autoWinner}</Badge> : null}
                  <span className="w-52 text-right text-xs text-stone-500">
                    {e.lastEvaluatedAt ? `Evaluated ${formatDateTime(e.lastEvaluatedAt)}` : "Not evaluated yet"}
                  </span>
                </li>
              ))}
            </ul>
          </Card>
        )}
      </div>
    </>
  );
}
