import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ApiKeysPanel } from "@/components/settings/api-keys-panel";
import { listApiKeys, SCOPE_DESCRIPTIONS } from "@/lib/api-keys/api-keys";
import { can } from "@/lib/auth/context";
import { requirePageWorkspace } from "@/lib/http/page-auth";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/settings/api-keys`);
  if (!can(ctx, "api_keys:manage")) notFound();
  return <ApiKeysPanel slug={slug} apiKeys={await listApiKeys(ctx)} scopeDescriptions={SCOPE_DESCRIPTIONS} />;
}
