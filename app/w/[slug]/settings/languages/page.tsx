import type { Metadata } from "next";
import { LanguageSettingsForm } from "@/components/settings/languages/language-settings-form";
import { can } from "@/lib/auth/context";
import { getLanguageSettings } from "@/lib/content/locales/language-settings";
import { requirePageWorkspace } from "@/lib/http/page-auth";

export const metadata: Metadata = { title: "Languages" };

export default async function LanguagesPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/settings/languages`);
  const languages = await getLanguageSettings(ctx);
  return <LanguageSettingsForm slug={slug} initial={languages} canManage={can(ctx, "settings:manage")} />;
}
