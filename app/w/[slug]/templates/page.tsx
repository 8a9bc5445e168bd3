import type { Metadata } from "next";
import { PageHeader } from "@/components/shell/page-header";
import { KIND_OPTIONS } from "@/components/templates/channels";
import { NewTemplateButton } from "@/components/templates/new-template-button";
import { TemplatesList, type TemplatesFilter } from "@/components/templates/templates-list";
import { can } from "@/lib/auth/context";
import { requirePageWorkspace } from "@/lib/http/page-auth";
import { listTemplates } from "@/lib/messaging/templates/read-templates";

export const metadata: Metadata = { title: "Templates" };

export default async function TemplatesPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<{ q?: string; channel?: string; archived?: string }>;
}) {
  const { slug } = await params;
  const query = await searchParams;
  const q = (query.q ?? "").trim().slice(0, 120);
  const channel = KIND_OPTIONS.find((c) => c.value === query.channel)?.value ?? null;
  const archived = query.archived === "true";
  const filter: TemplatesFilter = archived ? "archived" : channel;
  const search = new URLSearchParams({
    ...(q ? { q } : {}),
    ...(channel ? { channel } : {}),
    ...(archived ? { archived: "true" } : {}),
  }).toString();
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/templates${search ? `?${search}` : ""}`);
  const canEdit = can(ctx, "content:write");
  const templates = await listTemplates(ctx, {
    q: q || undefined,
    channel: archived ? undefined : (channel ?? undefined),
    archived,
  });
  return (
    <>
      <PageHeader
        title="Templates"
        description="The messages journeys send — email, SMS, push and in-app — personalized with Liquid and kept in versions."
        actions={canEdit ? <NewTemplateButton slug={slug} channel={channel} /> : undefined}
      />
      <TemplatesList slug={slug} templates={templates} q={q} filter={filter} canEdit={canEdit} />
    </>
  );
}
