import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AiSettingsPanel } from "@/components/settings/ai/ai-settings-panel";
import { getAiSettings } from "@/lib/ai/settings";
import { can } from "@/lib/auth/context";
import { requirePageWorkspace } from "@/lib/http/page-auth";

export const metadata: Metadata = { title: "AI" };

export default async function AiSettingsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/settings/ai`);
  if (!can(ctx, "settings:manage")) notFound();
  return <AiSettingsPanel slug={slug} initial={await getAiSettings(ctx)} />;
}
