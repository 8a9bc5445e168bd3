import type { ReactNode } from "react";
import { Sidebar } from "@/components/shell/sidebar";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { requirePageWorkspace } from "@/lib/http/page-auth";
import { listWorkspacesOf } from "@/lib/workspaces/workspaces";

export const dynamic = "force-dynamic";

export default async function WorkspaceLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ slug: string }>;
}) {
  const { slug } = await params;
  const { user, ctx } = await requirePageWorkspace(slug, `/w/${slug}/journeys`);
  const workspaces = await listWorkspacesOf(user.id);
  return (
    <div className="flex min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <Sidebar
        workspace={ctx.workspace}
        workspaces={workspaces.map((w) => ({ slug: w.slug, name: w.name }))}
        user={{ name: user.name, email: user.email }}
        roleLabel={ROLE_LABELS[ctx.role ?? "VIEWER"]}
      />
      <main id="main" className="min-w-0 flex-1 px-10 py-8">
        <div className="mx-auto max-w-6xl">{children}</div>
      </main>
    </div>
  );
}
