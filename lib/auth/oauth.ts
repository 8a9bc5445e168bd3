import { db } from "../db/client";

/**
 * OAuth sign-in (GitHub, Google) never creates access on its own: the verified email must belong to an
 * existing account or to a pending invitation. The first sign-in links the provider account to it.
 */
export async function linkOAuthSignIn(input: {
  provider: string;
  providerAccountId: string;
  email: string;
  name: string;
  verified: boolean;
}): Promise<{ ok: true; userId: string } | { ok: false; reason: string }> {
  const linked = await db().oAuthLink.findUnique({
    where: { provider_providerAccountId: { provider: input.provider, providerAccountId: input.providerAccountId } },
    select: { userId: true },
  });
  if (linked) return { ok: true, userId: linked.userId };
  if (!input.email || !input.verified) return { ok: false, reason: "Your account at the provider has no verified email address." };

  let user = await db().user.findUnique({ where: { email: input.email }, select: { id: true } });
  if (!user) {
    const invited = await db().invitation.findFirst({
      where: { email: input.email, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
      select: { id: true },
    });
    if (!invited) return { ok: false, reason: `There is no Cairn account for ${input.email}. Ask an admin of your workspace for an invitation.` };
    user = await db().user.create({ data: { email: input.email, name: input.name || input.email }, select: { id: true } });
  }
  await db().oAuthLink.create({ data: { userId: user.id, provider: input.provider, providerAccountId: input.providerAccountId } });
  return { ok: true, userId: user.id };
}

export async function userIdForOAuthAccount(provider: string, providerAccountId: string): Promise<string | null> {
  const link = await db().oAuthLink.findUnique({
    where: { provider_providerAccountId: { provider, providerAccountId } },
    select: { userId: true },
  });
  return link?.userId ?? null;
}
