import { createHmac } from "node:crypto";

/**
 * Journey webhooks are signed so receivers can tell they come from Cairn: `X-Cairn-Signature:
 * t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, with a per-workspace secret derived from
 * CAIRN_ENCRYPTION_KEY (nothing extra to store or lose; rotating that key rotates these secrets).
 */
export function webhookSigningSecret(workspaceId: string): string {
  const root = process.env.CAIRN_ENCRYPTION_KEY;
  if (!root) throw new Error("CAIRN_ENCRYPTION_KEY is not set. `npm run dev` / `npm start` generate one in the data directory.");
  return "whsec_" + createHmac("sha256", root).update(`journey-webhooks:${workspaceId}`).digest("base64url");
}

export function signWebhook(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`;
}

/** For receivers (and tests): checks a signature header against the body, within a tolerance. */
export function verifyWebhookSignature(secret: string, body: string, header: string, now: Date, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=") as [string, string]));
  const t = Number(parts.t);
  if (!Number.isFinite(t) || Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return false;
  return signWebhook(secret, body, new Date(t * 1000)) === header;
}
