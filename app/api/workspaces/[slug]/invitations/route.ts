import { readBody, workspaceRoute } from "@/lib/http/handler";
import { inviteMemberAndEmail, listPendingInvitations, ZInviteMember } from "@/lib/workspaces/invitations";

export const GET = workspaceRoute("members:manage", async (ctx) => ({
  invitations: await listPendingInvitations(ctx),
}));

/** 201 with the invitation, the link to copy, and whether the email went out (`email.sent`, else `email.reason`). */
export const POST = workspaceRoute("members:manage", async (ctx, request) => {
  const { invitation, url, email } = await inviteMemberAndEmail(
    ctx,
    await readBody(request, ZInviteMember),
    new URL(request.url).origin,
  );
  return Response.json({ invitation, url, email }, { status: 201 });
});
