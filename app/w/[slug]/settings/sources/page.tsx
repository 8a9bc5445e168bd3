import type { Metadata } from "next";
import { headers } from "next/headers";
import { SendTestEvent } from "@/components/settings/send-test-event";
import { WebhookSourcesPanel } from "@/components/settings/webhook-sources-panel";
import { can } from "@/lib/auth/context";
import { requirePageWorkspace } from "@/lib/http/page-auth";
import { listWebhookSources, SIGNATURE_HEADERS } from "@/lib/ingest/webhook-sources";

export const metadata: Metadata = { title: "Sources" };

export default async function SourcesPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/settings/sources`);
  const [origin, sources] = await Promise.all([publicOrigin(), listWebhookSources(ctx)]);
  return (
    <div className="space-y-6">
      <SendTestEvent slug={slug} origin={origin} canManageKeys={can(ctx, "api_keys:manage")} />
      <WebhookSourcesPanel
        slug={slug}
        origin={origin}
        sources={sources}
        canManage={can(ctx, "settings:manage")}
        signatureHeaders={SIGNATURE_HEADERS}
      />
    </div>
  );
}

/** The address people configure in their apps and webhooks: NEXTAUTH_URL (scripts/cairn.ts sets it), else the one this page was asked on. */
async function publicOrigin(): Promise<string> {
  const configured = process.env.NEXTAUTH_URL;
  if (configured) return configured.replace(/\/+$/, "");
  const request = await headers();
  return `${request.get("x-forwarded-proto") ?? "http"}://${request.get("x-forwarded-host") ?? request.get("host") ?? "localhost:3000"}`;
}
