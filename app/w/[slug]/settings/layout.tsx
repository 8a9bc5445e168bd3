import type { ReactNode } from "react";
import { SettingsTabs } from "@/components/settings/settings-tabs";
import { PageHeader } from "@/components/shell/page-header";
import { can } from "@/lib/auth/context";
import { requirePageWorkspace } from "@/lib/http/page-auth";

export default async function SettingsLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ slug: string }>;
}) {
  const { slug } = await params;
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/settings`);
  const tabs = [
    { href: "", label: "General" },
    { href: "/members", label: "Members" },
    { href: "/sources", label: "Sources" },
    { href: "/channels", label: "Channels" },
    { href: "/messaging", label: "Messaging rules" },
    { href: "/topics", label: "Topics" },
    { href: "/languages", label: "Languages" },
    ...(can(ctx, "settings:manage") ? [{ href: "/ai", label: "AI" }] : []),
    ...(can(ctx, "api_keys:manage") ? [{ href: "/api-keys", label: "API keys" }] : []),
    ...(can(ctx, "settings:manage") ? [{ href: "/identity-verification", label: "Identity" }] : []),
    ...(can(ctx, "audit:read") ? [{ href: "/audit-log", label: "Audit log" }] : []),
    // About the person, not the workspace: every role has it.
    { href: "/account", label: "Your account" },
  ];
  return (
    <>
      <PageHeader
        title="Settings"
        description={`Workspace “${ctx.workspace.name}”: its members, event sources, channels, keys and history.`}
      />
      <SettingsTabs slug={slug} tabs={tabs} />
      <div className="mt-6">{children}</div>
    </>
  );
}
