import { FlaskConical, Trophy } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ArmsTable, correctionOf, GuardrailsTable, IncrementalityPanel } from "@/components/experiments/arms-table";
import { AutoWinnerForm } from "@/components/experiments/auto-winner-form";
import { ExperimentBanners } from "@/components/experiments/banners";
import { EvaluateButton } from "@/components/experiments/evaluate-button";
import { LiftChart } from "@/components/experiments/lift-chart";
import { SampleSizeProgress } from "@/components/experiments/sample-size";
import { ExperimentSummaryLine } from "@/components/experiments/summary-line";
import { WeightHistory } from "@/components/experiments/weight-history";
import { EmptyState } from "@/components/events/empty-state";
import { PageHeader } from "@/components/shell/page-header";
import { buttonClass } from "@/components/ui/button";
import { Badge, Card } from "@/components/ui/card";
import { formatDateTime } from "@/components/ui/format";
import { can } from "@/lib/auth/context";
import { AppError } from "@/lib/errors";
import { getExperiment } from "@/lib/experiments/read-experiments";
import { enrolmentRate, summarizeExperiment } from "@/lib/experiments/summary";
import { describeWeights } from "@/lib/experiments/weights";
import { requirePageWorkspace } from "@/lib/http/page-auth";

export const metadata: Metadata = { title: "Experiment" };

const MODE_LABELS = {
  off: "Auto-winner off",
  winner: "Auto-winner: route to the winner",
  bandit: "Auto-winner: bandit",
} as const;

export default async function ExperimentPage({
  params,
}: {
  params: Promise<{ slug: string; id: string; nodeId: string }>;
}) {
  const { slug, id, nodeId } = await params;
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/journeys/${id}/experiments/${nodeId}`);
  const view = await getExperiment(ctx, id, nodeId).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  });
  const canEdit = can(ctx, "content:write");
  const result = view.result;
  const summary = result ? summarizeExperiment(result, { peoplePerDay: enrolmentRate(view.history) }) : null;
  const split = { arms: view.arms, holdout: view.holdoutWeight ? { weight: view.holdoutWeight } : undefined };

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-3 text-sm text-stone-500">
        <Link href={`/w/${slug}/journeys`} className="hover:underline">
          Journeys
        </Link>
        {" / "}
        <Link href={`/w/${slug}/journeys/${id}`} className="hover:underline">
          {view.journey.name}
        </Link>
        {" / "}
        <Link href={`/w/${slug}/journeys/${id}/experiments`} className="hover:underline">
          Experiments
        </Link>
      </nav>
      <PageHeader
        title={view.label}
        description={
          <>
            A/B split in {view.journey.name}: {describeWeights(split, view.weights.published)}. Evaluated every 15
            minutes; every person assigned counts in their arm.
          </>
        }
        actions={canEdit && view.live ? <EvaluateButton slug={slug} journeyId={id} nodeId={nodeId} /> : null}
      />

      <div className="mt-6 space-y-6">
        {summary ? <ExperimentSummaryLine summary={summary} /> : null}
        <div className="flex flex-wrap items-center gap-3 text-sm text-stone-600">
          {result?.winner ? (
            <span
              data-testid="winner-badge"
              className="inline-flex items-center gap-1.5 rounded-full bg-brand-700 px-3 py-1 text-sm font-semibold text-white shadow-sm"
            >
              <Trophy className="h-4 w-4" aria-hidden="true" />
              Winner: {result.winner.label}
            </span>
          ) : result ? (
            <Badge tone="stone">No winner yet</Badge>
          ) : null}
          {result?.winner ? <span className="text-stone-700">{result.winner.reason}</span> : null}
          <Badge tone={view.settings.autoWinner === "off" ? "stone" : "brand"}>
            {MODE_LABELS[view.settings.autoWinner]}
          </Badge>
          {view.weights.source === "override" ? (
            <span data-testid="current-weights">New people now: {describeWeights(split, view.weights.current)}</span>
          ) : null}
          <span className="ml-auto text-xs text-stone-500">
            {view.lastEvaluatedAt ? `Last evaluated ${formatDateTime(view.lastEvaluatedAt)}` : "Not evaluated yet"}
          </span>
        </div>

        {!view.live ? (
          <p role="status" className="rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200">
            This split is not live: nobody is assigned until the journey is published
            {view.journey.status === "PAUSED" ? " and resumed" : ""}.
          </p>
        ) : null}

        {result ? (
          <>
            <ExperimentBanners banners={result.banners} />
            <Card
              title="Arms"
              description={`Against ${result.arms[0].label}, the control. p-values ${result.test.label}, ${correctionOf(result).label}-corrected.`}
            >
              <ArmsTable result={result} />
            </Card>
            {result.incrementality ? (
              <Card
                title="Incrementality"
                description="What the journey adds over doing nothing: everyone treated against the holdout, who walk the control path and get nothing on it."
              >
                <IncrementalityPanel result={result} />
              </Card>
            ) : null}
            <div className="grid gap-6 lg:grid-cols-3">
              <div className="lg:col-span-2">
                <Card
                  title="Cumulative lift over time"
                  description={`Conversion-rate lift against ${result.arms[0].label}, ${result.test.label}.`}
                >
                  <LiftChart history={view.history} arms={view.arms} testLabel={result.test.label} />
                </Card>
              </div>
              <Card
                title="Sample size"
                description={`Toward ${result.thresholds.minAssigned} people and ${result.thresholds.minConversions} conversions per arm.`}
              >
                <SampleSizeProgress result={result} />
              </Card>
            </div>
            <Card
              title="Guardrails"
              description="People with an unsubscribe, bounce or spam complaint after the split, per person assigned."
            >
              <GuardrailsTable result={result} />
            </Card>
          </>
        ) : (
          <EmptyState icon={FlaskConical} heading="No results yet">
            <p>
              Results appear after the first evaluation that finds people assigned to this split. Evaluations run every
              15 minutes{canEdit && view.live ? ", or now with “Evaluate now”" : ""}.
            </p>
          </EmptyState>
        )}

        <div className="grid gap-6 lg:grid-cols-2">
          <Card title="Weight history" description="Every change of the weights new people get, and why.">
            <WeightHistory changes={view.weightChanges} published={describeWeights(split, view.weights.published)} />
          </Card>
          <Card title="Auto-winner" description="What happens when the data is clear.">
            <AutoWinnerForm
              slug={slug}
              journeyId={id}
              nodeId={nodeId}
              settings={view.settings}
              canEdit={canEdit}
              holdoutWeight={view.holdoutWeight}
            />
          </Card>
        </div>
        <p>
          <Link href={`/w/${slug}/journeys/${id}`} className={buttonClass("ghost", "px-0")}>
            ← Back to the journey
          </Link>
        </p>
      </div>
    </>
  );
}
