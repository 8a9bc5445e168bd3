import { decode, encode } from "next-auth/jwt";
import { db } from "../db/client";
import type { SessionUser } from "../workspaces/workspaces";

/**
 * Sessions are next-auth JWTs (encrypted with NEXTAUTH_SECRET) in an http-only cookie. The token only
 * says who you are; what you may do (your memberships and roles) is read from the database on every
 * request, so a role change or removal takes effect at once and nothing in a request can claim a role.
 */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;
export const SESSION_COOKIE = "next-auth.session-token";
export const SECURE_SESSION_COOKIE = "__Secure-next-auth.session-token";

export function authSecret(): string {
  const secret = process.env.NEXTAUTH_SECRET;
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set. `npm run dev` / `npm start` generate one in the data directory.");
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
  return db().user.findUnique({ where: { id: userId }, select: { id: true, email: true, name: true } });
}

export function sessionUserFromCookieHeader(cookieHeader: string | null): Promise<SessionUser | null> {
  const cookies = parseCookies(cookieHeader);
  return sessionUserFromToken(cookies.get(SECURE_SESSION_COOKIE) ?? cookies.get(SESSION_COOKIE));
}

/** Issues a session token exactly as next-auth's jwt callback shapes it (tests sign people in with it). */
export function issueSessionToken(userId: string, maxAgeSeconds = SESSION_MAX_AGE_SECONDS): Promise<string> {
  return encode({ token: { sub: userId }, secret: authSecret(), maxAge: maxAgeSeconds });
}

