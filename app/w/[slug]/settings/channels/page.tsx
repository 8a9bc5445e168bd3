import type { Metadata } from "next";
import { ChannelsPanel } from "@/components/settings/channels/channels-panel";
import { can } from "@/lib/auth/context";
import { requirePageWorkspace } from "@/lib/http/page-auth";
import { embeddedSmtp, viewChannelConfigs } from "@/lib/messaging/channel-config";

export const metadata: Metadata = { title: "Channels" };

export default async function ChannelsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/settings/channels`);
  return (
    <ChannelsPanel
      slug={slug}
      configs={await viewChannelConfigs(ctx)}
      canManage={can(ctx, "settings:manage")}
      embeddedRunning={embeddedSmtp() !== null}
    />
  );
}
