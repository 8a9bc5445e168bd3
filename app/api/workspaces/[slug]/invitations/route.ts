import { readBody, workspaceRoute } from "@/lib/http/handler";
import { invitationUrl } from "@/lib/http/urls";
import { inviteMember, listPendingInvitations, ZInviteMember } from "@/lib/workspaces/invitations";

export const GET = workspaceRoute("members:manage", async (ctx) => ({ invitations: await listPendingInvitations(ctx) }));

export const POST = workspaceRoute("members:manage", async (ctx, request) => {
  const { invitation, token } = await inviteMember(ctx, await readBody(request, ZInviteMember));
  return Response.json({ invitation, url: invitationUrl(request, token) }, { status: 201 });
});
