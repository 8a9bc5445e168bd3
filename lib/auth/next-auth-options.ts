import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import { AppError } from "../errors";
import { clientAddress, trustedProxiesFromEnv, type TrustedProxies } from "./client-address";
import {
  authSecret,
  currentSessionVersion,
  revokeSessionsForToken,
  SESSION_MAX_AGE_SECONDS,
  tokenSessionVersion,
} from "./session";
import { linkOAuthSignIn, userIdForOAuthAccount, verifiedGitHubEmails } from "./oauth";
import { signInWithPassword } from "./sign-in";

/**
 * The client address for the per-address sign-in limit: `x-forwarded-for` read under CAIRN_TRUSTED_PROXIES
 * (lib/auth/client-address.ts says exactly what is believed). `x-real-ip` is never trusted.
 */
export function clientIp(
  headers: Record<string, string | string[] | undefined> | Headers | undefined,
  trusted: TrustedProxies = trustedProxiesFromEnv(),
): string {
  let forwardedFor: string | undefined;
  if (headers instanceof Headers) forwardedFor = headers.get("x-forwarded-for") ?? undefined;
  else if (headers) {
    const value = headers["x-forwarded-for"];
    // Repeated headers are one list, in order.
    forwardedFor = Array.isArray(value) ? value.join(",") : value;
  }
  return clientAddress(forwardedFor, trusted);
}

export function oauthProvidersConfigured(): { github: boolean; google: boolean } {
  return {
    github: !!(process.env.GITHUB_CLIENT_ID && process.env.GITHUB_CLIENT_SECRET),
    google: !!(process.env.GOOGLE_CLIENT_ID && process.env.GOOGLE_CLIENT_SECRET),
  };
}

export function authOptions(): NextAuthOptions {
  const oauth = oauthProvidersConfigured();
  return {
    secret: authSecret(),
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          try {
            const user = await signInWithPassword({
              email: credentials?.email,
              password: credentials?.password,
              ip: clientIp(req?.headers),
            });
            return { id: user.id, email: user.email, name: user.name };
          } catch (error) {
            // next-auth hands a thrown message to the sign-in form as `error`.
            if (error instanceof AppError) throw new Error(error.message);
            throw error;
          }
        },
      }),
      ...(oauth.github
        ? [GitHubProvider({ clientId: process.env.GITHUB_CLIENT_ID!, clientSecret: process.env.GITHUB_CLIENT_SECRET! })]
        : []),
      ...(oauth.google
        ? [GoogleProvider({ clientId: process.env.GOOGLE_CLIENT_ID!, clientSecret: process.env.GOOGLE_CLIENT_SECRET! })]
        : []),
    ],
    events: {
      // Signing out ends the session everywhere: the cookie next-auth clears could have been copied.
      async signOut({ token }) {
        await revokeSessionsForToken(token);
      },
    },
    callbacks: {
      async signIn({ account, profile, user }) {
        if (!account || account.provider === "credentials") return true;
        // Only addresses the provider says are verified may link to an account or an invitation (lib/auth/oauth.ts).
        let verifiedEmails: string[] = [];
        if (account.provider === "github") {
          verifiedEmails = account.access_token ? await verifiedGitHubEmails(account.access_token) : [];
        } else if (account.provider === "google") {
          const google = profile as { email?: string; email_verified?: boolean } | undefined;
          verifiedEmails = google?.email_verified === true && google.email ? [google.email] : [];
        }
        const name = user.name ?? verifiedEmails[0] ?? "";
        const result = await linkOAuthSignIn({
          provider: account.provider,
          providerAccountId: account.providerAccountId,
          verifiedEmails,
          name,
        });
        return result.ok ? true : `/login?error=${encodeURIComponent(result.reason)}`;
      },
      async jwt({ token, user, account }) {
        if (account && account.provider !== "credentials") {
          token.sub = (await userIdForOAuthAccount(account.provider, account.providerAccountId)) ?? undefined;
        } else if (user) {
          token.sub = user.id;
        }
        // At sign-in the token takes the user's current session version (lib/auth/session.ts refuses it once
        // the version moves on); on later refreshes it keeps the one it was issued with.
        const sv =
          user || account ? (token.sub ? await currentSessionVersion(token.sub) : 0) : tokenSessionVersion(token);
        // Keep the token small and free of roles: permissions are always read from the database.
        return { sub: token.sub, name: token.name, email: token.email, sv };
      },
      async session({ session, token }) {
        return { ...session, user: { ...session.user, id: token.sub } };
      },
    },
  };
}
