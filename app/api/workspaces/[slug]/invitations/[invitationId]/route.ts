import { workspaceRoute } from "@/lib/http/handler";
import { revokeInvitation } from "@/lib/workspaces/invitations";

export const DELETE = workspaceRoute<{ slug: string; invitationId: string }>(
  "members:manage",
  async (ctx, _request, { invitationId }) => {
    await revokeInvitation(ctx, invitationId);
    return { ok: true };
  },
);
