import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Account, Profile, User } from "next-auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../db/client";
import { createUser, createWorkspaceWithTeam, uniqueEmail } from "../testing/factories";
import { authOptions } from "./next-auth-options";
import { GITHUB_API_URL_ENV, verifiedGitHubEmails } from "./oauth";

/** GitHub's API, standing in on 127.0.0.1: GET /user/emails answers per access token. */
const emailsByToken = new Map<string, { email: string; verified: boolean; primary: boolean }[]>();
const requests: { path: string; authorization: string | undefined }[] = [];
let github: Server;
let previousApiUrl: string | undefined;

beforeAll(async () => {
  github = createServer((req, res) => {
    requests.push({ path: req.url ?? "", authorization: req.headers.authorization });
    const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
    const emails = emailsByToken.get(token);
    if (req.url !== "/user/emails" || !emails) {
      res
        .writeHead(token === "broken" ? 500 : 401, { "content-type": "application/json" })
        .end(JSON.stringify({ message: "Bad credentials" }));
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(emails));
  });
  await new Promise<void>((resolve) => github.listen(0, "127.0.0.1", resolve));
  previousApiUrl = process.env[GITHUB_API_URL_ENV];
  process.env[GITHUB_API_URL_ENV] = `http://127.0.0.1:${(github.address() as AddressInfo).port}`;
});

afterAll(async () => {
  if (previousApiUrl === undefined) delete process.env[GITHUB_API_URL_ENV];
  else process.env[GITHUB_API_URL_ENV] = previousApiUrl;
  await new Promise((resolve) => github.close(resolve));
});

/** What next-auth hands the signIn callback after GitHub's OAuth dance; the profile email is GitHub's primary, verified or not. */
async function signInWithGitHub(
  profileEmail: string,
  emails: { email: string; verified: boolean; primary: boolean }[],
) {
  const accessToken = `gho_${randomBytes(8).toString("hex")}`;
  emailsByToken.set(accessToken, emails);
  const providerAccountId = String(randomBytes(4).readUInt32BE());
  const account: Account = { provider: "github", type: "oauth", providerAccountId, access_token: accessToken };
  const user: User = { id: providerAccountId, email: profileEmail, name: "Octo Cat" };
  const result = await authOptions().callbacks!.signIn!({ account, user, profile: { email: profileEmail } as Profile });
  const link = await db().oAuthLink.findUnique({
    where: { provider_providerAccountId: { provider: "github", providerAccountId } },
    select: { userId: true },
  });
  return { result, linkedUserId: link?.userId ?? null, accessToken };
}

async function invite(email: string) {
  const team = await createWorkspaceWithTeam();
  await db().invitation.create({
    data: {
      workspaceId: team.id,
      email,
      role: "EDITOR",
      tokenHash: randomBytes(16).toString("hex"),
      invitedById: team.members.OWNER.id,
      expiresAt: new Date(Date.now() + 86_400_000),
    },
  });
}

describe("GitHub sign-in", () => {
  it("does not link or sign in through an unverified primary address that matches an existing account", async () => {
    const victim = await createUser();
    const { result, linkedUserId } = await signInWithGitHub(victim.email, [
      { email: victim.email, verified: false, primary: true },
    ]);
    expect(result).toMatch(/^\/login\?error=/);
    expect(decodeURIComponent(String(result))).toMatch(/no verified email address/);
    expect(linkedUserId).toBeNull();
    expect(await db().oAuthLink.count({ where: { userId: victim.id } })).toBe(0);
  });

  it("links through a verified secondary address, whatever the unverified primary says", async () => {
    const owner = await createUser();
    const { result, linkedUserId, accessToken } = await signInWithGitHub(uniqueEmail("unverified"), [
      { email: uniqueEmail("unverified"), verified: false, primary: true },
      { email: owner.email.toUpperCase(), verified: true, primary: false },
    ]);
    expect(result).toBe(true);
    expect(linkedUserId).toBe(owner.id);
    // The API was asked with the user's access token.
    expect(requests).toContainEqual({ path: "/user/emails", authorization: `Bearer ${accessToken}` });
  });

  it("does not accept an invitation for an unverified address, and does for a verified one", async () => {
    const unverified = uniqueEmail("invited");
    await invite(unverified);
    const refused = await signInWithGitHub(unverified, [{ email: unverified, verified: false, primary: true }]);
    expect(refused.result).toMatch(/^\/login\?error=/);
    expect(await db().user.findUnique({ where: { email: unverified } })).toBeNull();

    const verified = uniqueEmail("invited");
    await invite(verified);
    const accepted = await signInWithGitHub(verified, [{ email: verified, verified: true, primary: true }]);
    expect(accepted.result).toBe(true);
    const created = await db().user.findUniqueOrThrow({ where: { email: verified }, select: { id: true } });
    expect(accepted.linkedUserId).toBe(created.id);
  });

  it("refuses when GitHub does not answer with the addresses", async () => {
    const owner = await createUser();
    const account: Account = {
      provider: "github",
      type: "oauth",
      providerAccountId: "9999001",
      access_token: "broken",
    };
    const result = await authOptions().callbacks!.signIn!({
      account,
      user: { id: "9999001", email: owner.email },
      profile: { email: owner.email } as Profile,
    });
    expect(result).toMatch(/^\/login\?error=/);
    expect(await verifiedGitHubEmails("broken")).toEqual([]);
  });
});

describe("Google sign-in", () => {
  const google = (email: string, emailVerified: boolean) => {
    const providerAccountId = randomBytes(6).toString("hex");
    const account: Account = { provider: "google", type: "oauth", providerAccountId };
    return authOptions().callbacks!.signIn!({
      account,
      user: { id: providerAccountId, email },
      profile: { email, email_verified: emailVerified } as Profile,
    });
  };

  it("links only when Google says the address is verified", async () => {
    const owner = await createUser();
    expect(await google(owner.email, false)).toMatch(/^\/login\?error=/);
    expect(await google(owner.email, true)).toBe(true);
  });
});
