import { changePassword, ZChangePassword } from "@/lib/auth/change-password";
import { clientIp } from "@/lib/auth/next-auth-options";
import { readBody, userRoute } from "@/lib/http/handler";

/**
 * The signed-in person changes (or, with no password yet, sets) their password. The change ends every
 * session of theirs, this one included, so the answer tells the client to sign in again.
 */
export const POST = userRoute(async (user, request) => {
  await changePassword(user.id, await readBody(request, ZChangePassword), { ip: clientIp(request.headers) });
  return { ok: true, signInAgain: true };
});
