import { readBody, requireSessionUser, route } from "@/lib/http/handler";
import { acceptInvitation, previewInvitation, ZAcceptAsNewUser } from "@/lib/workspaces/invitations";

type Params = { token: string };

export const GET = route<Params>(async (_request, { token }) => previewInvitation(token));

/**
 * Accept: with a session, for the signed-in account; without one, `{ name, password }` creates the
 * account for the invited email.
 */
export const POST = route<Params>(async (request, { token }) => {
  if (request.headers.get("cookie")?.includes("session-token")) {
    return acceptInvitation(token, { user: await requireSessionUser(request) });
  }
  return acceptInvitation(token, { newAccount: await readBody(request, ZAcceptAsNewUser) });
});
