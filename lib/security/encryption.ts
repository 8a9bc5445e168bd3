import "server-only";
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/**
 * Secrets at rest (webhook signing secrets, channel credentials): AES-256-GCM with a key derived from
 * CAIRN_ENCRYPTION_KEY (generated into the data directory on first start). Stored as
 * "v1.<iv>.<tag>.<ciphertext>", base64url; the version leaves room for key rotation.
 */
function key(): Buffer {
  const secret = process.env.CAIRN_ENCRYPTION_KEY;
  if (!secret)
    throw new Error("CAIRN_ENCRYPTION_KEY is not set. `npm run dev` / `npm start` generate one in the data directory.");
  return createHash("sha256").update(secret).digest();
}

export function encryptSecret(plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [
    "v1",
    iv.toString("base64url"),
    cipher.getAuthTag().toString("base64url"),
    ciphertext.toString("base64url"),
  ].join(".");
}

export function decryptSecret(stored: string): string {
  const [version, iv, tag, ciphertext] = stored.split(".");
  if (version !== "v1" || !iv || !tag || ciphertext === undefined) throw new Error("Unreadable encrypted secret");
  const decipher = createDecipheriv("aes-256-gcm", key(), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
}
