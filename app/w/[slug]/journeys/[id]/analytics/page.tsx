import { ArrowLeft } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DateRangePicker } from "@/components/dashboards/date-range-picker";
import { JourneyAnalyticsView } from "@/components/dashboards/journey-analytics-view";
import { Freshness } from "@/components/dashboards/parts";
import { rangeFromSearchParams } from "@/components/dashboards/range";
import { PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/card";
import { FormAlert } from "@/components/ui/field";
import { journeyAnalytics } from "@/lib/analytics/dashboards";
import type { WorkspaceContext } from "@/lib/auth/context";
import { AppError } from "@/lib/errors";
import { requirePageWorkspace } from "@/lib/http/page-auth";

export const metadata: Metadata = { title: "Journey analytics" };

type Search = { range?: string; from?: string; to?: string };
const STATUS: Record<string, { label: string; tone: "stone" | "brand" | "amber" }> = {
  DRAFT: { label: "Draft", tone: "stone" },
  LIVE: { label: "Live", tone: "brand" },
  PAUSED: { label: "Paused", tone: "amber" },
  ARCHIVED: { label: "Archived", tone: "stone" },
};

/** The analytics for the range in the address; one the API refuses is explained, and the default is shown instead. */
async function load(ctx: WorkspaceContext, id: string, search: Search) {
  const choice = rangeFromSearchParams(search);
  try {
    return { choice, problem: null, analytics: await journeyAnalytics(ctx, id, choice.query) };
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    if (!(error instanceof AppError) || error.code !== "validation") throw error;
    const fallback = rangeFromSearchParams({});
    return {
      choice: fallback,
      problem: `That range cannot be shown: ${error.message}. Showing the last 30 days instead.`,
      analytics: await journeyAnalytics(ctx, id, fallback.query),
    };
  }
}

export default async function JourneyAnalyticsPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string; id: string }>;
  searchParams: Promise<Search>;
}) {
  const { slug, id } = await params;
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/journeys/${id}/analytics`);
  const { choice, problem, analytics } = await load(ctx, id, await searchParams);
  const status = STATUS[analytics.journey.status] ?? STATUS.DRAFT;
  return (
    <>
      <Link
        href={`/w/${slug}/journeys/${id}`}
        className="mb-3 inline-flex items-center gap-1.5 text-sm font-medium text-stone-600 hover:text-stone-900"
      >
        <ArrowLeft className="h-4 w-4" aria-hidden="true" />
        Back to the canvas
      </Link>
      <PageHeader
        title={`${analytics.journey.name}: analytics`}
        description={
          <span className="flex items-center gap-2">
            <Badge tone={status.tone}>{status.label}</Badge>
            {analytics.journey.version ? (
              <span>Live version v{analytics.journey.version}; steps of older versions are counted too.</span>
            ) : (
              <span>Not published yet.</span>
            )}
          </span>
        }
      />
      <div className="mt-6 space-y-6">
        <div className="space-y-2">
          <DateRangePicker
            key={`${analytics.range.from}:${analytics.range.to}:${choice.preset}`}
            basePath={`/w/${slug}/journeys/${id}/analytics`}
            preset={choice.preset}
            range={analytics.range}
          />
          <Freshness updatedAt={analytics.updatedAt} />
        </div>
        <FormAlert message={problem} />
        <JourneyAnalyticsView slug={slug} analytics={analytics} />
      </div>
    </>
  );
}
