import type { z } from "zod";
import type { createApiKey, revokeApiKey, updateApiKey, ZCreateApiKey, ZUpdateApiKey } from "@/lib/api-keys/api-keys";
import type { ZChangePassword } from "@/lib/auth/change-password";
import type { ZCreateOwner } from "@/lib/auth/schemas";
import type {
  acceptInvitation,
  inviteMemberAndEmail,
  ZAcceptAsNewUser,
  ZInviteMember,
} from "@/lib/workspaces/invitations";
import type { changeMemberRole, ZChangeRole } from "@/lib/workspaces/members";
import type { createOwnerAccount } from "@/lib/workspaces/setup";
import type { createWorkspace, renameWorkspace, ZCreateWorkspace, ZRenameWorkspace } from "@/lib/workspaces/workspaces";
import { path, type Send } from "./request";
import type { Answer } from "./types";

/** Accounts and workspaces before a workspace is open: first run, invitations, the signed-in person. */
export function accountApi(send: Send) {
  return {
    /** First run only: the owner account and the first workspace. */
    setup: (body: z.input<typeof ZCreateOwner>) => send<Answer<typeof createOwnerAccount>>("POST", "/setup", { body }),
    /** Ends every session of the person's, so the answer asks to sign in again. */
    changePassword: (body: z.input<typeof ZChangePassword>) =>
      send<{ ok: true; signInAgain: true }>("POST", "/account/password", { body }),
    createWorkspace: (body: z.input<typeof ZCreateWorkspace>) =>
      send<Answer<typeof createWorkspace>>("POST", "/workspaces", { body }),
    /** Signed in: joins as the signed-in account. Signed out: `{ name, password }` creates the invited account. */
    acceptInvitation: (token: string, newAccount?: z.input<typeof ZAcceptAsNewUser>) =>
      send<Answer<typeof acceptInvitation>>("POST", path`/invitations/${token}`, { body: newAccount }),
  };
}

/** One workspace's settings for people: its name, members, invitations and API keys. */
export function workspaceApi(send: Send) {
  const workspace = (slug: string) => path`/workspaces/${slug}`;
  return {
    rename: (slug: string, body: z.input<typeof ZRenameWorkspace>) =>
      send<Answer<typeof renameWorkspace>>("PATCH", workspace(slug), { body }),
    /** The invitation, the link to copy, and whether the email went out. */
    invite: (slug: string, body: z.input<typeof ZInviteMember>) =>
      send<Answer<typeof inviteMemberAndEmail>>("POST", `${workspace(slug)}/invitations`, { body }),
    revokeInvitation: (slug: string, invitationId: string) =>
      send<{ ok: true }>("DELETE", `${workspace(slug)}${path`/invitations/${invitationId}`}`),
    changeRole: (slug: string, memberId: string, body: z.input<typeof ZChangeRole>) =>
      send<Answer<typeof changeMemberRole>>("PATCH", `${workspace(slug)}${path`/members/${memberId}`}`, { body }),
    removeMember: (slug: string, memberId: string) =>
      send<{ ok: true }>("DELETE", `${workspace(slug)}${path`/members/${memberId}`}`),
    /** The answer holds the secret, shown this once. */
    createApiKey: (slug: string, body: z.input<typeof ZCreateApiKey>) =>
      send<Answer<typeof createApiKey>>("POST", `${workspace(slug)}/api-keys`, { body }),
    updateApiKey: (slug: string, keyId: string, body: z.input<typeof ZUpdateApiKey>) =>
      send<{ apiKey: Answer<typeof updateApiKey> }>("PATCH", `${workspace(slug)}${path`/api-keys/${keyId}`}`, {
        body,
      }),
    revokeApiKey: (slug: string, keyId: string) =>
      send<{ apiKey: Answer<typeof revokeApiKey> }>("DELETE", `${workspace(slug)}${path`/api-keys/${keyId}`}`),
  };
}
