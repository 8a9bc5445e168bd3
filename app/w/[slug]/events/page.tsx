import type { Metadata } from "next";
import { EventCatalog } from "@/components/events/event-catalog";
import { EventsTabs } from "@/components/events/events-tabs";
import { LiveEvents } from "@/components/events/live-events";
import { RejectedEvents } from "@/components/events/rejected-events";
import { PageHeader } from "@/components/shell/page-header";
import type { WorkspaceContext } from "@/lib/auth/context";
import { listEventCatalog, listRecentEvents } from "@/lib/events/events";
import { listRejectedEvents } from "@/lib/events/rejected-events";
import { requirePageWorkspace } from "@/lib/http/page-auth";
import { listWebhookSources } from "@/lib/ingest/webhook-sources";

export const metadata: Metadata = { title: "Events" };

export default async function EventsPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<{ view?: string; before?: string }>;
}) {
  const { slug } = await params;
  const query = await searchParams;
  const view = query.view === "catalog" || query.view === "rejected" ? query.view : "live";
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/events${view === "live" ? "" : `?view=${view}`}`);
  return (
    <>
      <PageHeader
        title="Events"
        description="What your customers do, as your websites, apps, servers and webhooks report it."
      />
      <EventsTabs slug={slug} active={view} />
      <div className="mt-6">
        {view === "catalog" ? (
          <EventCatalog slug={slug} entries={await listEventCatalog(ctx)} />
        ) : view === "rejected" ? (
          <RejectedView slug={slug} ctx={ctx} before={typeof query.before === "string" ? query.before : undefined} />
        ) : (
          <LiveView slug={slug} ctx={ctx} />
        )}
      </div>
    </>
  );
}

async function LiveView({ slug, ctx }: { slug: string; ctx: WorkspaceContext }) {
  const [events, sources] = await Promise.all([listRecentEvents(ctx, { limit: 50 }), listWebhookSources(ctx)]);
  return (
    <LiveEvents
      slug={slug}
      initialEvents={events}
      webhookNames={Object.fromEntries(sources.map((s) => [s.key, s.name]))}
    />
  );
}

async function RejectedView({ slug, ctx, before }: { slug: string; ctx: WorkspaceContext; before?: string }) {
  // a malformed cursor (a hand-edited address) shows the newest page rather than an error
  const cursor = before && /^\d{1,19}$/.test(before) ? before : undefined;
  const [page, sources] = await Promise.all([listRejectedEvents(ctx, { before: cursor }), listWebhookSources(ctx)]);
  return (
    <RejectedEvents
      slug={slug}
      page={page}
      paged={!!cursor}
      webhookNames={Object.fromEntries(sources.map((s) => [s.key, s.name]))}
    />
  );
}
