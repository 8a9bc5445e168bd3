import { db } from "../db/client";
import { AppError } from "../errors";
import { dummyPasswordHash, verifyPassword } from "./password";
import { ZSignIn } from "./schemas";
import { prismaQueryable } from "../db/sql";
import { lockPasswordAttemptsOf } from "./store/attempt-locks";

/**
 * Password sign-in with rate limiting. Failed attempts are counted per account and per client address
 * over a sliding window, in the database, so the limit holds across several app instances.
 */
export const SIGN_IN_LIMITS = {
  windowMs: 15 * 60 * 1000,
  maxFailuresPerAccount: 5,
  maxFailuresPerIp: 20,
};

export const INVALID_CREDENTIALS = "Invalid email or password.";

export interface SignInRequest {
  email: unknown;
  password: unknown;
  ip: string;
  now?: Date;
}

export async function signInWithPassword(request: SignInRequest): Promise<{ id: string; email: string; name: string }> {
  const now = request.now ?? new Date();
  const parsed = ZSignIn.safeParse({ email: request.email, password: request.password });
  if (!parsed.success) throw new AppError("unauthenticated", INVALID_CREDENTIALS);
  const email = parsed.data.email.trim().toLowerCase();
  const ip = request.ip || "unknown";

  const attemptId = await beginPasswordAttempt(email, ip, now);

  const user = await db().user.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, passwordHash: true },
  });
  // Verify against a dummy hash when there is no such account, so timing does not reveal which emails exist.
  const ok = await verifyPassword(parsed.data.password, user?.passwordHash ?? (await dummyPasswordHash()));
  const succeeded = ok && !!user?.passwordHash;
  if (succeeded) await passwordAttemptSucceeded(attemptId);
  if (!succeeded || !user) throw new AppError("unauthenticated", INVALID_CREDENTIALS);
  return { id: user.id, email: user.email, name: user.name };
}

/**
 * Counts a password check against the account's and the address's limits before it happens (sign-in, and
 * the current password when changing it): throws rate_limited past either limit, else records the attempt as
 * a failure and returns its id for `passwordAttemptSucceeded`.
 */
export async function beginPasswordAttempt(email: string, ip: string, now: Date): Promise<string> {
  const since = new Date(now.getTime() - SIGN_IN_LIMITS.windowMs);
  // Check and record in one step: the account's and the address's advisory locks serialize concurrent
  // attempts on the same key, and the attempt is stored as a failure *before* the password is checked
  // (it becomes a success afterwards), so twenty parallel guesses cannot all see "4 failures so far".
  // The scrypt check runs outside the transaction so no lock is held while hashing.
  return db().$transaction(async (tx) => {
    await lockPasswordAttemptsOf(prismaQueryable(tx), email, ip);
    const accountFailures = await tx.authAttempt.findMany({
      where: { email, succeeded: false, createdAt: { gt: since } },
      orderBy: { createdAt: "asc" },
      select: { createdAt: true },
    });
    const ipFailures = await tx.authAttempt.count({ where: { ip, succeeded: false, createdAt: { gt: since } } });
    if (
      accountFailures.length >= SIGN_IN_LIMITS.maxFailuresPerAccount ||
      ipFailures >= SIGN_IN_LIMITS.maxFailuresPerIp
    ) {
      // The oldest failure leaving the window is when the account can try again.
      const oldest = accountFailures[accountFailures.length - SIGN_IN_LIMITS.maxFailuresPerAccount]?.createdAt ?? now;
      const retryAfterSeconds = Math.max(
        60,
        Math.ceil((oldest.getTime() + SIGN_IN_LIMITS.windowMs - now.getTime()) / 1000),
      );
      throw new AppError(
        "rate_limited",
        `Too many failed sign-in attempts. Try again in ${Math.ceil(retryAfterSeconds / 60)} minutes.`,
        { retryAfterSeconds },
      );
    }
    const attempt = await tx.authAttempt.create({
      data: { email, ip, succeeded: false, createdAt: now },
      select: { id: true },
    });
    return attempt.id;
  });
}

/** The password checked out: the attempt no longer counts as a failure. */
export async function passwordAttemptSucceeded(attemptId: string): Promise<void> {
  await db().authAttempt.update({ where: { id: attemptId }, data: { succeeded: true } });
}
