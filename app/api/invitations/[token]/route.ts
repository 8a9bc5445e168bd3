import { sessionUserFromCookieHeader } from "@/lib/auth/session";
import { readBody, route } from "@/lib/http/handler";
import { acceptInvitation, previewInvitation, ZAcceptAsNewUser } from "@/lib/workspaces/invitations";

type Params = { token: string };

export const GET = route<Params>(async (_request, { token }) => previewInvitation(token));

/**
 * Accept: signed in, for the signed-in account; otherwise `{ name, password }` creates the account for
 * the invited email.
 */
export const POST = route<Params>(async (request, { token }) => {
  const user = await sessionUserFromCookieHeader(request.headers.get("cookie"));
  if (user) return acceptInvitation(token, { user });
  return acceptInvitation(token, { newAccount: await readBody(request, ZAcceptAsNewUser) });
});
