import "server-only";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Where Cairn keeps what it generates on one machine: the embedded database and its secrets. */
export function dataDir(): string {
  return path.resolve(process.env.CAIRN_DATA_DIR ?? ".data");
}

export interface Secrets {
  /** Encrypts session cookies (next-auth). */
  nextAuthSecret: string;
  /** Encrypts channel credentials at rest (messaging). */
  encryptionKey: string;
  /** Signs the embedded Inngest executor's calls to /api/inngest, which refuses unsigned ones. */
  inngestSigningKey: string;
  /** The event key the app sends events to the embedded executor with. */
  inngestEventKey: string;
  /** The password of the embedded Postgres (its wire server refuses every connection without it). */
  databasePassword: string;
  /** The password the app logs in to the embedded SMTP server with (the Outbox takes no other mail). */
  smtpPassword: string;
}

/**
 * Secrets are generated on first start and kept in <data dir>/secrets.json (mode 0600), so nobody has to
 * write an env file, and sessions survive restarts. Environment variables, when set, win.
 */
export function loadOrCreateSecrets(dir = dataDir()): Secrets {
  const file = path.join(dir, "secrets.json");
  let stored: Partial<Secrets> = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, "utf8")) as Partial<Secrets>;
  const secrets: Secrets = {
    nextAuthSecret: stored.nextAuthSecret ?? randomBytes(32).toString("base64url"),
    encryptionKey: stored.encryptionKey ?? randomBytes(32).toString("base64url"),
    // Inngest's key formats: "signkey-<env>-<hex>", and any string for an event key.
    inngestSigningKey: stored.inngestSigningKey ?? `signkey-local-${randomBytes(32).toString("hex")}`,
    inngestEventKey: stored.inngestEventKey ?? randomBytes(24).toString("base64url"),
    databasePassword: stored.databasePassword ?? randomBytes(24).toString("base64url"),
    smtpPassword: stored.smtpPassword ?? randomBytes(24).toString("base64url"),
  };
  if ((Object.keys(secrets) as (keyof Secrets)[]).some((k) => stored[k] !== secrets[k])) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2) + "\n", { mode: 0o600 });
  }
  return {
    nextAuthSecret: process.env.NEXTAUTH_SECRET || secrets.nextAuthSecret,
    encryptionKey: process.env.CAIRN_ENCRYPTION_KEY || secrets.encryptionKey,
    inngestSigningKey: secrets.inngestSigningKey,
    inngestEventKey: secrets.inngestEventKey,
    databasePassword: secrets.databasePassword,
    smtpPassword: secrets.smtpPassword,
  };
}
