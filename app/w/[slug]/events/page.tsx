import type { Metadata } from "next";
import { EventCatalog } from "@/components/events/event-catalog";
import { EventsTabs } from "@/components/events/events-tabs";
import { LiveEvents } from "@/components/events/live-events";
import { PageHeader } from "@/components/shell/page-header";
import type { WorkspaceContext } from "@/lib/auth/context";
import { listEventCatalog, listRecentEvents } from "@/lib/events/events";
import { requirePageWorkspace } from "@/lib/http/page-auth";
import { listWebhookSources } from "@/lib/ingest/webhook-sources";

export const metadata: Metadata = { title: "Events" };

export default async function EventsPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<{ view?: string }> }) {
  const { slug } = await params;
  const view = (await searchParams).view === "catalog" ? "catalog" : "live";
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/events${view === "catalog" ? "?view=catalog" : ""}`);
  return (
    <>
      <PageHeader title="Events" description="What your customers do, as your websites, apps, servers and webhooks report it." />
      <EventsTabs slug={slug} active={view} />
      <div className="mt-6">
        {view === "catalog" ? (
          <EventCatalog slug={slug} entries={await listEventCatalog(ctx)} />
        ) : (
          <LiveView slug={slug} ctx={ctx} />
        )}
      </div>
    </>
  );
}

async function LiveView({ slug, ctx }: { slug: string; ctx: WorkspaceContext }) {
  const [events, sources] = await Promise.all([listRecentEvents(ctx, { limit: 50 }), listWebhookSources(ctx)]);
  return <LiveEvents slug={slug} initialEvents={events} webhookNames={Object.fromEntries(sources.map((s) => [s.key, s.name]))} />;
}
