import { createHmac } from "node:crypto";
import { requirePermission, type WorkspaceContext } from "../auth/context";

/**
 * Journey webhooks are signed so receivers can tell they come from Cairn: `X-Cairn-Signature:
 * t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, with a per-workspace secret derived from
 * CAIRN_ENCRYPTION_KEY (nothing extra to store or lose; rotating that key rotates these secrets).
 */
export function webhookSigningSecret(workspaceId: string): string {
  const root = process.env.CAIRN_ENCRYPTION_KEY;
  if (!root)
    throw new Error("CAIRN_ENCRYPTION_KEY is not set. `npm run dev` / `npm start` generate one in the data directory.");
  return "whsec_" + createHmac("sha256", root).update(`journey-webhooks:${workspaceId}`).digest("base64url");
}

export function signWebhook(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`;
}

/** For receivers (and tests): checks a signature header against the body, within a tolerance. */
export function verifyWebhookSignature(
  secret: string,
  body: string,
  header: string,
  now: Date,
  toleranceSeconds = 300,
): boolean {
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=") as [string, string]));
  const t = Number(parts.t);
  if (!Number.isFinite(t) || Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return false;
  return signWebhook(secret, body, new Date(t * 1000)) === header;
}

/** The secret as Settings shows it to admins, who give it to the systems that receive journey webhooks. */
export function journeyWebhookSecretFor(ctx: WorkspaceContext): string {
  requirePermission(ctx, "settings:manage");
  return webhookSigningSecret(ctx.workspace.id);
}

/** How a receiver checks a journey webhook, in Node.js: shown next to the secret. */
export const VERIFY_SNIPPET = `import { createHmac, timingSafeEqual } from "node:crypto";

// header: the X-Cairn-Signature request header; body: the raw request body, as text
function isFromCairn(header, body, secret) {
  const { t, v1 } = Object.fromEntries(header.split(",").map((part) => part.split("=")));
  if (Math.abs(Date.now() / 1000 - Number(t)) > 300) return false; // older than 5 minutes
  const expected = createHmac("sha256", secret).update(\`\${t}.\${body}\`).digest("hex");
  return v1?.length === expected.length && timingSafeEqual(Buffer.from(v1), Buffer.from(expected));
}`;
