import "server-only";
import { decode, encode } from "next-auth/jwt";
import { db } from "../db/client";
import type { SessionUser } from "../workspaces/workspaces";

/**
 * Sessions are next-auth JWTs (encrypted with NEXTAUTH_SECRET) in an http-only cookie. The token only
 * says who you are; what you may do (your memberships and roles) is read from the database on every
 * request, so a role change or removal takes effect at once and nothing in a request can claim a role.
 *
 * Revocation: each token carries the user's `sessionVersion` from when it was issued (claim `sv`). Sign-out,
 * a password change and removal from a workspace bump the user's version, and a token with an older
 * version is "no session", so a copied cookie stops working then instead of 30 days later. The check
 * rides on the user read every request does anyway (by primary key). Tokens issued before versions
 * existed carry no `sv` and count as version 0.
 */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;
export const SESSION_COOKIE = "next-auth.session-token";
export const SECURE_SESSION_COOKIE = "__Secure-next-auth.session-token";

export function authSecret(): string {
  const secret = process.env.NEXTAUTH_SECRET;
  if (!secret)
    throw new Error("NEXTAUTH_SECRET is not set. `npm run dev` / `npm start` generate one in the data directory.");
  return secret;
}

export function parseCookies(header: string | null): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    try {
      cookies.set(name, decodeURIComponent(raw));
    } catch {
      cookies.set(name, raw);
    }
  }
  return cookies;
}

/** The signed-in user for a session token; null when there is none or it is expired, forged or for a deleted user. */
export async function sessionUserFromToken(token: string | undefined): Promise<SessionUser | null> {
  if (!token) return null;
  let payload: Awaited<ReturnType<typeof decode>>;
  try {
    payload = await decode({ token, secret: authSecret() });
  } catch {
    return null; // expired, tampered with, or encrypted with another secret
  }
  const userId = payload?.sub;
  if (!userId || !/^[0-9a-f-]{36}$/i.test(userId)) return null;
  const user = await db().user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, name: true, sessionVersion: true },
  });
  if (!user || tokenSessionVersion(payload) < user.sessionVersion) return null;
  return { id: user.id, email: user.email, name: user.name };
}

/** The `sv` claim; absent (tokens from before revocation existed) counts as 0. */
export function tokenSessionVersion(payload: Record<string, unknown> | null | undefined): number {
  const sv = payload?.sv;
  return typeof sv === "number" && Number.isInteger(sv) ? sv : 0;
}

/** The version a token issued now carries. */
export async function currentSessionVersion(userId: string): Promise<number> {
  const user = await db().user.findUnique({ where: { id: userId }, select: { sessionVersion: true } });
  return user?.sessionVersion ?? 0;
}

type UserWriter = Pick<ReturnType<typeof db>, "user">;

/** Ends every session of the user (all devices): tokens issued before this call are refused from now on. */
export async function revokeSessions(userId: string, client: UserWriter = db()): Promise<void> {
  await client.user.updateMany({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } });
}

/**
 * Sign-out with a token: revokes the user's sessions only if this token is still current, so an old,
 * already revoked cookie cannot be replayed to sign the person out of their newer sessions.
 */
export async function revokeSessionsForToken(payload: Record<string, unknown> | null | undefined): Promise<void> {
  const userId = payload?.sub;
  if (typeof userId !== "string" || !/^[0-9a-f-]{36}$/i.test(userId)) return;
  await db().user.updateMany({
    where: { id: userId, sessionVersion: { lte: tokenSessionVersion(payload) } },
    data: { sessionVersion: { increment: 1 } },
  });
}

export function sessionUserFromCookieHeader(cookieHeader: string | null): Promise<SessionUser | null> {
  const cookies = parseCookies(cookieHeader);
  return sessionUserFromToken(cookies.get(SECURE_SESSION_COOKIE) ?? cookies.get(SESSION_COOKIE));
}

/** Issues a session token exactly as next-auth's jwt callback shapes it (tests sign people in with it). */
export async function issueSessionToken(userId: string, maxAgeSeconds = SESSION_MAX_AGE_SECONDS): Promise<string> {
  return encode({
    token: { sub: userId, sv: await currentSessionVersion(userId) },
    secret: authSecret(),
    maxAge: maxAgeSeconds,
  });
}
