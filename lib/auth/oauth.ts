import { z } from "zod";
import { db } from "../db/client";

/**
 * OAuth sign-in (GitHub, Google) never creates access on its own: an address the provider reports as
 * *verified* must belong to an existing account or to a pending invitation. The first sign-in links the
 * provider account to it; later sign-ins go by that link.
 *
 * What is trusted: GitHub's `GET /user/emails` entries with `verified: true` (never the profile's `email`,
 * which next-auth fills with the primary address whether or not it is verified), and Google's
 * `email_verified === true`. Anyone can put an address they do not own on a GitHub account; only
 * verification proves it.
 */

export const GITHUB_API_URL_ENV = "CAIRN_GITHUB_API_URL";
const DEFAULT_GITHUB_API_URL = "https://api.github.com";

export function githubApiUrl(): string {
  return (process.env[GITHUB_API_URL_ENV] || DEFAULT_GITHUB_API_URL).replace(/\/+$/, "");
}

const ZGitHubEmails = z.array(z.object({ email: z.string(), verified: z.boolean(), primary: z.boolean().optional() }));

/**
 * The verified addresses of the GitHub account behind an access token (scope `user:email`), the primary
 * one first. An error or an unexpected answer from GitHub means "none": sign-in is refused, not guessed.
 */
export async function verifiedGitHubEmails(accessToken: string, apiUrl = githubApiUrl()): Promise<string[]> {
  let response: Response;
  try {
    response = await fetch(`${apiUrl}/user/emails`, {
      headers: { Authorization: `Bearer ${accessToken}`, Accept: "application/vnd.github+json", "User-Agent": "Cairn" },
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    return [];
  }
  if (!response.ok) return [];
  const parsed = ZGitHubEmails.safeParse(await response.json().catch(() => null));
  if (!parsed.success) return [];
  return parsed.data
    .filter((e) => e.verified)
    .sort((a, b) => Number(!!b.primary) - Number(!!a.primary))
    .map((e) => e.email.trim().toLowerCase())
    .filter((email, i, all) => email && all.indexOf(email) === i);
}

export async function linkOAuthSignIn(input: {
  provider: string;
  providerAccountId: string;
  /** Only addresses the provider reports as verified, preferred first. */
  verifiedEmails: string[];
  name: string;
}): Promise<{ ok: true; userId: string } | { ok: false; reason: string }> {
  const linked = await db().oAuthLink.findUnique({
    where: { provider_providerAccountId: { provider: input.provider, providerAccountId: input.providerAccountId } },
    select: { userId: true },
  });
  if (linked) return { ok: true, userId: linked.userId };
  const emails = input.verifiedEmails.map((e) => e.trim().toLowerCase()).filter(Boolean);
  if (emails.length === 0) return { ok: false, reason: "Your account at the provider has no verified email address." };

  // An existing account for any verified address wins over an invitation.
  const users = await db().user.findMany({ where: { email: { in: emails } }, select: { id: true, email: true } });
  let user = emails.map((email) => users.find((u) => u.email === email)).find(Boolean) ?? null;
  if (!user) {
    const invitations = await db().invitation.findMany({
      where: { email: { in: emails }, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
      select: { email: true },
    });
    const invitedEmail = emails.find((email) => invitations.some((i) => i.email === email));
    if (!invitedEmail) {
      return {
        ok: false,
        reason: `There is no Cairn account for ${emails.join(" or ")}. Ask an admin of your workspace for an invitation.`,
      };
    }
    user = await db().user.create({
      data: { email: invitedEmail, name: input.name || invitedEmail },
      select: { id: true, email: true },
    });
  }
  await db().oAuthLink.create({
    data: { userId: user.id, provider: input.provider, providerAccountId: input.providerAccountId },
  });
  return { ok: true, userId: user.id };
}

export async function userIdForOAuthAccount(provider: string, providerAccountId: string): Promise<string | null> {
  const link = await db().oAuthLink.findUnique({
    where: { provider_providerAccountId: { provider, providerAccountId } },
    select: { userId: true },
  });
  return link?.userId ?? null;
}
