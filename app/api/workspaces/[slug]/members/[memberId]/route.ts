import { readBody, workspaceRoute } from "@/lib/http/handler";
import { changeMemberRole, removeMember, ZChangeRole } from "@/lib/workspaces/members";

type Params = { slug: string; memberId: string };

export const PATCH = workspaceRoute<Params>("members:manage", async (ctx, request, { memberId }) =>
  changeMemberRole(ctx, memberId, await readBody(request, ZChangeRole)),
);
export const DELETE = workspaceRoute<Params>("members:manage", async (ctx, _request, { memberId }) => {
  await removeMember(ctx, memberId);
  return { ok: true };
});
