import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { recordAudit } from "../audit/audit-log";
import { db } from "../db/client";
import { AppError, parseInput } from "../errors";
import { decryptSecret, encryptSecret } from "../security/encryption";

/**
 * Identity verification, as Intercom, Braze and Customer.io do it. A website's write key is public (it ships
 * in the page), so on its own it proves nothing about who is asking. The workspace has a server secret (shown
 * to admins in Settings → Identity verification, stored encrypted, created on first use); the customer's server
 * computes HMAC-SHA256(secret, userId) as hex and hands it to its signed-in user's app, which sends it along:
 *
 * - in-app inbox (/api/v1/inbox/<userId>/**): the `X-Cairn-User-Hash` header, always required
 *   (missing → 401, wrong → 403);
 * - identify and alias calls with a userId: `context.userHash` in the message (or the batch's context),
 *   required for calls from browsers (with an Origin header) when the workspace turns on
 *   requireVerifiedIdentify. Server-side calls (no Origin) are trusted as before: the key is not in a page.
 *
 * Hashes are compared in constant time. Rotating the secret invalidates every hash made with the old one.
 */
export const USER_HASH_HEADER = "X-Cairn-User-Hash";
const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** The hash a customer's server computes for `userId` (documented in the panel's code sample). */
export function userHashFor(secret: string, userId: string): string {
  return createHmac("sha256", secret).update(userId, "utf8").digest("hex");
}

function hashMatches(secret: string, userId: string, given: string): boolean {
  const normalized = given.trim().toLowerCase();
  if (!HEX_SHA256.test(normalized)) return false;
  return timingSafeEqual(Buffer.from(userHashFor(secret, userId), "hex"), Buffer.from(normalized, "hex"));
}

const newSecret = () => randomBytes(32).toString("hex");

/** The workspace's identity secret, created on first use (compare-and-set: two first uses agree on one). */
async function secretOf(workspaceId: string): Promise<string> {
  for (;;) {
    const row = await db().workspace.findUniqueOrThrow({
      where: { id: workspaceId },
      select: { identitySecretCipher: true },
    });
    if (row.identitySecretCipher) return decryptSecret(row.identitySecretCipher);
    const secret = newSecret();
    const created = await db().workspace.updateMany({
      where: { id: workspaceId, identitySecretCipher: null },
      data: { identitySecretCipher: encryptSecret(secret) },
    });
    if (created.count === 1) return secret;
  }
}

/**
 * The inbox's check: `hash` (the X-Cairn-User-Hash header) must be the HMAC of `userId` with this workspace's
 * secret. Missing → 401; anything else that does not match → 403.
 */
export async function assertUserHash(ctx: WorkspaceContext, userId: string, hash: string | null): Promise<void> {
  if (!hash?.trim()) {
    throw new AppError(
      "unauthenticated",
      `Identity verification: send the ${USER_HASH_HEADER} header, the HMAC-SHA256 of the userId with the workspace's identity secret (hex; see Settings → Identity verification).`,
      {
        fields: [{ path: USER_HASH_HEADER, message: "is missing" }],
      },
    );
  }
  if (!hashMatches(await secretOf(ctx.workspace.id), userId, hash)) {
    throw new AppError(
      "forbidden",
      `Identity verification: the ${USER_HASH_HEADER} header does not match this userId.`,
      { fields: [{ path: USER_HASH_HEADER, message: "does not match the userId" }] },
    );
  }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);
const VERIFIED_TYPES = new Set(["identify", "alias"]);

/** A message refused by identity verification: its index in the request, the field, and why. */
export interface UnverifiedMessage {
  index: number;
  path: string;
  message: "is missing" | "does not match the userId";
}

/**
 * The ingestion check for browsers: when the request has an Origin header and the workspace requires
 * verified identify, every identify and alias message with a userId must carry `context.userHash` (its own,
 * or the batch's context) matching it. Returns the messages that fail it; ingestion stores the others and
 * rejects these (lib/ingest/ingest.ts). Cheap for everything else: tracks and pages are not parsed here, and
 * the workspace is read only when such a message is present.
 */
export async function unverifiedIdentifies(
  ctx: WorkspaceContext,
  headers: Headers,
  body: string,
  endpoint: string,
): Promise<UnverifiedMessage[]> {
  if (!headers.has("origin")) return [];
  if (endpoint === "batch" ? !/"(identify|alias)"/.test(body) : !VERIFIED_TYPES.has(endpoint)) return [];
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return []; // ingestion answers the invalid JSON itself
  }
  if (!isObject(json)) return [];
  const batch = endpoint === "batch" ? (Array.isArray(json.batch) ? json.batch : []) : [json];
  const envelopeHash = endpoint === "batch" && isObject(json.context) ? json.context.userHash : undefined;
  const checks: { index: number; path: string; userId: string; hash: unknown }[] = [];
  batch.forEach((message: unknown, i) => {
    if (!isObject(message)) return;
    const type = endpoint === "batch" ? message.type : endpoint;
    // ingestion trims ids: the hash is of the id as stored
    const userId =
      typeof message.userId === "string"
        ? message.userId.trim()
        : typeof message.userId === "number"
          ? String(message.userId)
          : "";
    if (typeof type !== "string" || !VERIFIED_TYPES.has(type) || !userId) return;
    const prefix = endpoint === "batch" ? `batch.${i}.` : "";
    checks.push({
      index: i,
      path: `${prefix}context.userHash`,
      userId,
      hash: isObject(message.context) && "userHash" in message.context ? message.context.userHash : envelopeHash,
    });
  });
  if (!checks.length) return [];
  const workspace = await db().workspace.findUniqueOrThrow({
    where: { id: ctx.workspace.id },
    select: { requireVerifiedIdentify: true },
  });
  if (!workspace.requireVerifiedIdentify) return [];
  const secret = await secretOf(ctx.workspace.id);
  return checks.flatMap((c): UnverifiedMessage[] => {
    if (typeof c.hash !== "string" || !c.hash.trim()) return [{ index: c.index, path: c.path, message: "is missing" }];
    return hashMatches(secret, c.userId, c.hash)
      ? []
      : [{ index: c.index, path: c.path, message: "does not match the userId" }];
  });
}

/** The error for a request none of whose messages passed: 401 when a hash is missing, else 403 (as before). */
export function unverifiedIdentifyError(failed: UnverifiedMessage[]): AppError {
  const missing = failed.filter((f) => f.message === "is missing");
  if (missing.length) {
    return new AppError(
      "unauthenticated",
      "Identity verification: identify and alias calls from a browser need context.userHash, the HMAC-SHA256 of the userId with the workspace's identity secret (hex).",
      {
        fields: missing.map((c) => ({ path: c.path, message: c.message })),
      },
    );
  }
  return new AppError("forbidden", "Identity verification: context.userHash does not match the userId.", {
    fields: failed.map((c) => ({ path: c.path, message: c.message })),
  });
}

// ---------------------------------------------------------------------------------------------------------
// Settings (admins): see the secret, rotate it, require verified identify from browsers.

export interface IdentityVerificationSettings {
  secret: string;
  requireVerifiedIdentify: boolean;
}

export const ZIdentityVerificationSettings = z
  .object({ requireVerifiedIdentify: z.boolean({ error: "must be true or false" }) })
  .strict();

export async function getIdentityVerification(ctx: WorkspaceContext): Promise<IdentityVerificationSettings> {
  requirePermission(ctx, "settings:manage");
  const secret = await secretOf(ctx.workspace.id);
  const { requireVerifiedIdentify } = await db().workspace.findUniqueOrThrow({
    where: { id: ctx.workspace.id },
    select: { requireVerifiedIdentify: true },
  });
  return { secret, requireVerifiedIdentify };
}

/** A new secret: every hash made with the old one stops working at once (the customer's server must switch). */
export async function rotateIdentitySecret(ctx: WorkspaceContext): Promise<IdentityVerificationSettings> {
  requirePermission(ctx, "settings:manage");
  const secret = newSecret();
  await db().$transaction(async (tx) => {
    await tx.workspace.update({
      where: { id: ctx.workspace.id },
      data: { identitySecretCipher: encryptSecret(secret) },
    });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "identity_verification.secret_rotated",
      targetType: "workspace",
      targetId: ctx.workspace.id,
      summary: "Rotated the identity verification secret (hashes made with the old one no longer work)",
    });
  });
  return getIdentityVerification(ctx);
}

export async function updateIdentityVerification(
  ctx: WorkspaceContext,
  input: unknown,
): Promise<IdentityVerificationSettings> {
  requirePermission(ctx, "settings:manage");
  const { requireVerifiedIdentify } = parseInput(ZIdentityVerificationSettings, input);
  await db().$transaction(async (tx) => {
    const before = await tx.workspace.findUniqueOrThrow({
      where: { id: ctx.workspace.id },
      select: { requireVerifiedIdentify: true },
    });
    if (before.requireVerifiedIdentify === requireVerifiedIdentify) return;
    await tx.workspace.update({ where: { id: ctx.workspace.id }, data: { requireVerifiedIdentify } });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "identity_verification.updated",
      targetType: "workspace",
      targetId: ctx.workspace.id,
      summary: requireVerifiedIdentify
        ? "Required verified identify calls from browsers (context.userHash)"
        : "Stopped requiring verified identify calls from browsers",
      metadata: { requireVerifiedIdentify },
    });
  });
  return getIdentityVerification(ctx);
}

/** The code sample the Settings panel shows (Node.js; any HMAC-SHA256 library does the same). */
export const USER_HASH_SNIPPET = `// On your server, for the signed-in user (never in the browser: the secret must stay on the server)
import { createHmac } from "node:crypto";

const userHash = createHmac("sha256", process.env.CAIRN_IDENTITY_SECRET)
  .update(user.id) // the same userId your app sends to Cairn
  .digest("hex");

// In-app inbox: send it as a header
fetch(\`https://cairn.example.com/api/v1/inbox/\${encodeURIComponent(user.id)}\`, {
  headers: { Authorization: \`Bearer \${WRITE_KEY}\`, "X-Cairn-User-Hash": userHash },
});

// identify from the browser (analytics.js): put it in the message's context
analytics.identify(user.id, { email: user.email }, { context: { userHash } });`;
