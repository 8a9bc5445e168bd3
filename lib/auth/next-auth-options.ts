import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import { AppError } from "../errors";
import { clientAddress, trustedProxiesFromEnv, type TrustedProxies } from "./client-address";
import { authSecret, SESSION_MAX_AGE_SECONDS } from "./session";
import { linkOAuthSignIn, userIdForOAuthAccount } from "./oauth";
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
            const user = await signInWithPassword({ email: credentials?.email, password: credentials?.password, ip: clientIp(req?.headers) });
            return { id: user.id, email: user.email, name: user.name };
          } catch (error) {
            // next-auth hands a thrown message to the sign-in form as `error`.
            if (error instanceof AppError) throw new Error(error.message);
            throw error;
          }
        },
      }),
      ...(oauth.github ? [GitHubProvider({ clientId: process.env.GITHUB_CLIENT_ID!, clientSecret: process.env.GITHUB_CLIENT_SECRET! })] : []),
      ...(oauth.google ? [GoogleProvider({ clientId: process.env.GOOGLE_CLIENT_ID!, clientSecret: process.env.GOOGLE_CLIENT_SECRET! })] : []),
    ],
    callbacks: {
      async signIn({ account, profile, user }) {
        if (!account || account.provider === "credentials") return true;
        const email = (profile?.email ?? user.email ?? "").toLowerCase();
        // Google says whether the address is verified; GitHub only returns verified primary addresses.
        const verified = account.provider === "google" ? (profile as { email_verified?: boolean } | undefined)?.email_verified === true : !!email;
        const result = await linkOAuthSignIn({ provider: account.provider, providerAccountId: account.providerAccountId, email, name: user.name ?? email, verified });
        return result.ok ? true : `/login?error=${encodeURIComponent(result.reason)}`;
      },
      async jwt({ token, user, account }) {
        if (account && account.provider !== "credentials") {
          token.sub = (await userIdForOAuthAccount(account.provider, account.providerAccountId)) ?? undefined;
        } else if (user) {
          token.sub = user.id;
        }
        // Keep the token small and free of roles: permissions are always read from the database.
        return { sub: token.sub, name: token.name, email: token.email };
      },
      async session({ session, token }) {
        return { ...session, user: { ...session.user, id: token.sub } };
      },
    },
  };
}
