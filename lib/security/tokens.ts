import { createHash, randomBytes } from "node:crypto";

/** 32 random bytes, URL-safe: for API keys and invitation links. */
export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * sha256 of a high-entropy secret. Fine for random tokens (unlike passwords, they cannot be guessed),
 * and deterministic, so a token can be looked up by its hash.
 */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
