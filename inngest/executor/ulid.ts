import { createHash, randomBytes } from "node:crypto";

/**
 * ULIDs (time-ordered ids, as Inngest uses for events and runs): 48 bits of ms time + 80 bits of
 * randomness, Crockford base 32. `seeded` derives the 80 bits from a seed instead, so that an SDK that
 * retries a send with the same `x-inngest-event-id-seed` gets the same event ids (and no duplicates).
 */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

function encode(timeMs: number, entropy: Buffer): string {
  let time = "";
  let t = Math.max(0, Math.floor(timeMs));
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let bits = 0n;
  for (const byte of entropy.subarray(0, 10)) bits = (bits << 8n) | BigInt(byte);
  let random = "";
  for (let i = 0; i < 16; i++) {
    random = ALPHABET[Number(bits & 31n)] + random;
    bits >>= 5n;
  }
  return time + random;
}

export function ulid(timeMs: number = Date.now()): string {
  return encode(timeMs, randomBytes(10));
}

export function seededUlid(timeMs: number, seed: string): string {
  return encode(timeMs, createHash("sha256").update(seed).digest());
}
