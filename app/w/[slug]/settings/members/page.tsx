import type { Metadata } from "next";
import { MembersPanel } from "@/components/settings/members-panel";
import { can } from "@/lib/auth/context";
import { ROLE_DESCRIPTIONS, ROLE_LABELS } from "@/lib/auth/permissions";
import { requirePageWorkspace } from "@/lib/http/page-auth";
import { listPendingInvitations } from "@/lib/workspaces/invitations";
import { listMembers } from "@/lib/workspaces/members";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { user, ctx } = await requirePageWorkspace(slug, `/w/${slug}/settings/members`);
  const canManage = can(ctx, "members:manage");
  const [members, invitations] = await Promise.all([
    listMembers(ctx),
    canManage ? listPendingInvitations(ctx) : Promise.resolve(null),
  ]);
  return (
    <MembersPanel
      slug={slug}
      currentUserEmail={user.email}
      members={members}
      invitations={invitations}
      canManage={canManage}
      canManageOwners={can(ctx, "owners:manage")}
      roleLabels={ROLE_LABELS}
      roleDescriptions={ROLE_DESCRIPTIONS}
    />
  );
}
