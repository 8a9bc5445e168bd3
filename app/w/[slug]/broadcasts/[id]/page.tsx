import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { BroadcastEditor } from "@/components/broadcasts/broadcast-editor";
import { BroadcastStatus } from "@/components/broadcasts/broadcast-status";
import { sendPolicyFor } from "@/components/broadcasts/model";
import { BroadcastResults } from "@/components/broadcasts/results/broadcast-results";
import { can } from "@/lib/auth/context";
import { getBroadcast } from "@/lib/broadcasts/read-broadcasts";
import { AppError } from "@/lib/errors";
import { listCatalogNames } from "@/lib/events/events";
import { requirePageWorkspace } from "@/lib/http/page-auth";
import { listTemplates } from "@/lib/messaging/templates/read-templates";
import { listSegments } from "@/lib/segments/list-segments";
import { getBroadcastSettings } from "@/lib/workspaces/broadcast-settings";

export const metadata: Metadata = { title: "Broadcast" };

export default async function BroadcastPage({ params }: { params: Promise<{ slug: string; id: string }> }) {
  const { slug, id } = await params;
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/broadcasts/${id}`);
  const broadcast = await getBroadcast(ctx, id).catch((error: unknown) => {
    if (error instanceof AppError && (error.code === "not_found" || error.code === "validation")) notFound();
    throw error;
  });
  const settings = await getBroadcastSettings(ctx);
  const canEdit = can(ctx, "content:write");
  const policy = sendPolicyFor(ctx.role, settings.broadcastSendRole);
  if (broadcast.status !== "DRAFT")
    return (
      <BroadcastStatus
        key={broadcast.id}
        slug={slug}
        broadcast={broadcast}
        canEdit={canEdit}
        policy={policy}
        results={<BroadcastResults slug={slug} broadcastId={broadcast.id} />}
      />
    );
  const [templates, segments, events] = await Promise.all([
    listTemplates(ctx, { channel: broadcast.channel }),
    listSegments(ctx),
    listCatalogNames(ctx),
  ]);
  return (
    <BroadcastEditor
      key={`${broadcast.id}:${broadcast.status}`}
      slug={slug}
      broadcast={broadcast}
      templates={templates
        .filter((t) => t.currentVersion > 0)
        .map((t) => ({ id: t.id, name: t.name, channel: t.channel }))}
      segments={segments.map((s) => ({ id: s.id, name: s.name, memberCount: s.memberCount }))}
      eventNames={events.map((e) => e.name)}
      canEdit={canEdit && !broadcast.archivedAt}
      policy={policy}
      timezone={settings.timezone}
    />
  );
}
