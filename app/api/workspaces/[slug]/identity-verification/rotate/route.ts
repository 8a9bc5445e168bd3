import { workspaceRoute } from "@/lib/http/handler";
import { rotateIdentitySecret } from "@/lib/messaging/identity-verification";

/** A new identity secret: hashes made with the old one stop working at once. */
export const POST = workspaceRoute("settings:manage", async (ctx) =>
  Response.json(await rotateIdentitySecret(ctx), { headers: { "Cache-Control": "no-store" } }),
);
