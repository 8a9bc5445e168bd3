import type { Metadata } from "next";
import { TopicsPanel } from "@/components/settings/topics/topics-panel";
import { can } from "@/lib/auth/context";
import { requirePageWorkspace } from "@/lib/http/page-auth";
import { listTopics } from "@/lib/topics/manage-topics";

export const metadata: Metadata = { title: "Subscription topics" };

export default async function TopicsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/settings/topics`);
  const { topics } = await listTopics(ctx);
  return <TopicsPanel slug={slug} topics={topics} canManage={can(ctx, "settings:manage")} />;
}
