import { z } from "zod";
import { db } from "../db/client";
import { AppError, parseInput } from "../errors";
import { hashPassword, verifyPassword } from "./password";
import { beginPasswordAttempt, passwordAttemptSucceeded } from "./sign-in";
import { ZPassword } from "./schemas";

export const ZChangePassword = z.object({ currentPassword: z.string().max(200), newPassword: ZPassword }).strict();
export type TChangePassword = z.input<typeof ZChangePassword>;

/** Whether the user has a password; people who signed up with GitHub or Google alone have none until they set one. */
export async function hasPassword(userId: string): Promise<boolean> {
  const user = await db().user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  return !!user?.passwordHash;
}

/**
 * Changes a user's password. The new hash and the session-version bump are one update: every session
 * issued before the change (including a stolen cookie) stops working at once; the caller signs in again.
 */
export async function changePassword(
  userId: string,
  input: TChangePassword,
  attempt: { ip: string; now?: Date } = { ip: "unknown" },
): Promise<void> {
  const data = parseInput(ZChangePassword, input);
  const user = await db().user.findUnique({ where: { id: userId }, select: { email: true, passwordHash: true } });
  if (!user) throw new AppError("not_found", "No such user.");
  if (user.passwordHash) {
    // A stolen cookie must not buy unlimited guesses at the password: the check counts against the same
    // per-account and per-address limits as signing in.
    const attemptId = await beginPasswordAttempt(user.email, attempt.ip, attempt.now ?? new Date());
    if (!(await verifyPassword(data.currentPassword, user.passwordHash))) {
      throw new AppError("validation", "The current password is not right.", {
        fields: [{ path: "currentPassword", message: "The current password is not right." }],
      });
    }
    await passwordAttemptSucceeded(attemptId);
  }
  const passwordHash = await hashPassword(data.newPassword);
  await db().user.update({ where: { id: userId }, data: { passwordHash, sessionVersion: { increment: 1 } } });
}
