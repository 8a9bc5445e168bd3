import type { Metadata } from "next";
import { BroadcastsList, NewBroadcastLink } from "@/components/broadcasts/broadcasts-list";
import { PageHeader } from "@/components/shell/page-header";
import { can } from "@/lib/auth/context";
import { listBroadcasts } from "@/lib/broadcasts/read-broadcasts";
import { BROADCAST_STATUSES } from "@/lib/broadcasts/schemas";
import { requirePageWorkspace } from "@/lib/http/page-auth";

export const metadata: Metadata = { title: "Broadcasts" };

export default async function BroadcastsPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<{ q?: string; status?: string }>;
}) {
  const { slug } = await params;
  const query = await searchParams;
  const q = (query.q ?? "").trim().slice(0, 200);
  // an unknown status in the address shows every broadcast rather than an error page
  const status = BROADCAST_STATUSES.find((s) => s === query.status) ?? null;
  const search = new URLSearchParams({ ...(q ? { q } : {}), ...(status ? { status } : {}) }).toString();
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/broadcasts${search ? `?${search}` : ""}`);
  const canEdit = can(ctx, "content:write");
  const list = await listBroadcasts(ctx, { q: q || undefined, status: status ?? undefined });
  return (
    <>
      <PageHeader
        title="Broadcasts"
        description="One message, sent once, to everyone in your chosen segments: newsletters, announcements, sales. Send now, at a time, or at a local time in each person's zone."
        actions={canEdit ? <NewBroadcastLink slug={slug} /> : undefined}
      />
      <BroadcastsList slug={slug} list={list} q={q} status={status} canEdit={canEdit} />
    </>
  );
}
