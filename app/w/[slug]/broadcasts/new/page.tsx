import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { NewBroadcastForm } from "@/components/broadcasts/new-broadcast-form";
import { PageHeader } from "@/components/shell/page-header";
import { can } from "@/lib/auth/context";
import { requirePageWorkspace } from "@/lib/http/page-auth";
import { listTemplates } from "@/lib/messaging/templates/read-templates";

export const metadata: Metadata = { title: "New broadcast" };

export default async function NewBroadcastPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/broadcasts/new`);
  // viewers read broadcasts; drafting one is an editor's
  if (!can(ctx, "content:write")) notFound();
  const templates = (await listTemplates(ctx)).filter((t) => t.currentVersion > 0);
  return (
    <>
      <PageHeader title="New broadcast" />
      <NewBroadcastForm
        slug={slug}
        templates={templates.map((t) => ({ id: t.id, name: t.name, channel: t.channel }))}
      />
    </>
  );
}
