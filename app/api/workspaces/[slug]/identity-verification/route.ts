import { readJson, workspaceRoute } from "@/lib/http/handler";
import { getIdentityVerification, updateIdentityVerification } from "@/lib/messaging/identity-verification";

const NO_STORE = { headers: { "Cache-Control": "no-store" } };

/** The identity secret (created on first use) and whether browsers' identify calls must be verified: admins only. */
export const GET = workspaceRoute("settings:manage", async (ctx) =>
  Response.json(await getIdentityVerification(ctx), NO_STORE),
);

/** { requireVerifiedIdentify: boolean } */
export const PATCH = workspaceRoute("settings:manage", async (ctx, request) =>
  Response.json(await updateIdentityVerification(ctx, await readJson(request)), NO_STORE),
);
