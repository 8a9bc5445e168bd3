import type { Metadata } from "next";
import { DateRangePicker } from "@/components/dashboards/date-range-picker";
import { Freshness } from "@/components/dashboards/parts";
import { rangeFromSearchParams } from "@/components/dashboards/range";
import { WorkspaceOverviewView } from "@/components/dashboards/workspace-overview";
import { PageHeader } from "@/components/shell/page-header";
import { FormAlert } from "@/components/ui/field";
import { workspaceOverview } from "@/lib/analytics/dashboards";
import { can, type WorkspaceContext } from "@/lib/auth/context";
import { AppError } from "@/lib/errors";
import { requirePageWorkspace } from "@/lib/http/page-auth";

export const metadata: Metadata = { title: "Dashboards" };

type Search = { range?: string; from?: string; to?: string };

/** The overview for the range in the address; one the API refuses is explained, and the default is shown instead. */
async function load(ctx: WorkspaceContext, search: Search) {
  const choice = rangeFromSearchParams(search);
  try {
    return { choice, problem: null, overview: await workspaceOverview(ctx, choice.query) };
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== "validation") throw error;
    const fallback = rangeFromSearchParams({});
    return {
      choice: fallback,
      problem: `That range cannot be shown: ${error.message}. Showing the last 30 days instead.`,
      overview: await workspaceOverview(ctx, fallback.query),
    };
  }
}

export default async function DashboardsPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Search>;
}) {
  const { slug } = await params;
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/dashboards`);
  const { choice, problem, overview } = await load(ctx, await searchParams);
  return (
    <>
      <PageHeader
        title="Dashboards"
        description="How your events, journeys and messages are doing. Everyone in the workspace, viewers included, can read them."
      />
      <div className="mt-6 space-y-6">
        <div className="space-y-2">
          <DateRangePicker
            key={`${overview.range.from}:${overview.range.to}:${choice.preset}`}
            basePath={`/w/${slug}/dashboards`}
            preset={choice.preset}
            range={overview.range}
          />
          <Freshness updatedAt={overview.updatedAt} />
        </div>
        <FormAlert message={problem} />
        <WorkspaceOverviewView slug={slug} overview={overview} canManageKeys={can(ctx, "api_keys:manage")} />
      </div>
    </>
  );
}
