import { z } from "zod";
import { requirePermission, requireUser, type WorkspaceContext } from "../auth/context";
import { permissionsOfApiKey } from "../auth/permissions";
import { recordAudit } from "../audit/audit-log";
import { db } from "../db/client";
import { pgPool } from "../db/pool";
import { AppError, parseInput } from "../errors";
import { hashToken, randomToken } from "../security/tokens";
import { selectAllowedOriginsOfLiveKey, selectKeyWithWorkspaceAndTouch } from "./store/api-keys";

export const API_KEY_PREFIX = "cairn_";
/** How stale `lastUsedAt` may get: one write per key per minute, not one per request on the ingestion path. */
const LAST_USED_RESOLUTION_MS = 60_000;

export const API_KEY_SCOPES = ["WRITE", "FULL"] as const;
export const SCOPE_DESCRIPTIONS: Record<(typeof API_KEY_SCOPES)[number], string> = {
  WRITE: "Write: send events and profile updates (for websites, apps and servers)",
  FULL: "Full: ingestion and the management API (journeys, segments, templates)",
};

/**
 * A web origin exactly as a browser sends it in the Origin header: scheme://host[:port], http or https, no
 * path, query, fragment or credentials (one trailing "/" is forgiven). Stored normalized (`URL.origin`:
 * lower-case host, default port dropped), so the ingestion check is a plain string comparison.
 */
export function normalizeOrigin(value: string): string | null {
  if (!/^https?:\/\/[^/?#@\s\\]+\/?$/i.test(value)) return null;
  try {
    const url = new URL(value);
    return url.origin === "null" ? null : url.origin;
  } catch {
    return null;
  }
}

export const MAX_ALLOWED_ORIGINS = 50;
const ZOrigin = z
  .string({ error: "must be a string" })
  .trim()
  .transform((value, ctx) => {
    const origin = normalizeOrigin(value);
    if (origin) return origin;
    ctx.addIssue({
      code: "custom",
      message:
        "must be an origin: scheme://host[:port] with http or https and nothing after the host, e.g. https://www.example.com",
    });
    return z.NEVER;
  });
/** The websites (origins) whose pages may send events with a key from the browser; duplicates dropped. */
export const ZAllowedOrigins = z
  .array(ZOrigin, { error: "must be a list of origins" })
  .max(MAX_ALLOWED_ORIGINS, `at most ${MAX_ALLOWED_ORIGINS} origins per key`)
  .transform((origins) => [...new Set(origins)]);

export const ZCreateApiKey = z
  .object({
    name: z
      .string({ error: "Name the key" })
      .trim()
      .min(1, "Name the key, e.g. “Website” or “Backend”")
      .max(80, "A key name has at most 80 characters"),
    scope: z.enum(API_KEY_SCOPES, { error: "Choose the scope: write or full" }),
    allowedOrigins: ZAllowedOrigins.optional(),
  })
  .strict();
export type TCreateApiKey = z.input<typeof ZCreateApiKey>;

export const ZUpdateApiKey = z.object({ allowedOrigins: ZAllowedOrigins }).strict();
export type TUpdateApiKey = z.input<typeof ZUpdateApiKey>;

export interface ApiKeySummary {
  id: string;
  name: string;
  scope: (typeof API_KEY_SCOPES)[number];
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** Origins whose pages may use the key from a browser (CORS); empty: servers only. */
  allowedOrigins: string[];
}

const SUMMARY_SELECT = {
  id: true,
  name: true,
  scope: true,
  prefix: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
  allowedOrigins: true,
} as const;

function toSummary(row: {
  id: string;
  name: string;
  scope: "WRITE" | "FULL";
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  allowedOrigins: string[];
}): ApiKeySummary {
  return {
    ...row,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

/** Creates a key. The secret is returned this once; only its hash is stored. */
export async function createApiKey(
  ctx: WorkspaceContext,
  input: TCreateApiKey,
): Promise<{ apiKey: ApiKeySummary; secret: string }> {
  requirePermission(ctx, "api_keys:manage");
  const actor = requireUser(ctx);
  const { name, scope, allowedOrigins = [] } = parseInput(ZCreateApiKey, input);
  const secret = API_KEY_PREFIX + randomToken();
  const apiKey = await db().$transaction(async (tx) => {
    const created = await tx.apiKey.create({
      data: {
        workspaceId: ctx.workspace.id,
        name,
        scope,
        prefix: secret.slice(0, API_KEY_PREFIX.length + 6),
        keyHash: hashToken(secret),
        createdById: actor.userId,
        allowedOrigins,
      },
      select: SUMMARY_SELECT,
    });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "api_key.created",
      targetType: "api_key",
      targetId: created.id,
      summary: `Created the ${scope.toLowerCase()} API key "${name}" (${created.prefix}…)`,
    });
    return created;
  });
  return { apiKey: toSummary(apiKey), secret };
}

export async function listApiKeys(ctx: WorkspaceContext): Promise<ApiKeySummary[]> {
  requirePermission(ctx, "api_keys:manage");
  const rows = await db().apiKey.findMany({
    where: { workspaceId: ctx.workspace.id },
    orderBy: { createdAt: "desc" },
    select: SUMMARY_SELECT,
  });
  return rows.map(toSummary);
}

export async function revokeApiKey(
  ctx: WorkspaceContext,
  apiKeyId: string,
  now: Date = new Date(),
): Promise<ApiKeySummary> {
  requirePermission(ctx, "api_keys:manage");
  if (!z.uuid().safeParse(apiKeyId).success) throw new AppError("not_found", "No such API key in this workspace.");
  return db().$transaction(async (tx) => {
    const key = await tx.apiKey.findFirst({
      where: { id: apiKeyId, workspaceId: ctx.workspace.id },
      select: SUMMARY_SELECT,
    });
    if (!key) throw new AppError("not_found", "No such API key in this workspace.");
    if (key.revokedAt) return toSummary(key);
    const revoked = await tx.apiKey.update({ where: { id: key.id }, data: { revokedAt: now }, select: SUMMARY_SELECT });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "api_key.revoked",
      targetType: "api_key",
      targetId: key.id,
      summary: `Revoked the API key "${key.name}" (${key.prefix}…)`,
    });
    return toSummary(revoked);
  });
}

/** Sets the origins whose pages may use the key from a browser (a revoked key keeps its list; it is refused anyway). */
export async function updateApiKey(
  ctx: WorkspaceContext,
  apiKeyId: string,
  input: TUpdateApiKey,
): Promise<ApiKeySummary> {
  requirePermission(ctx, "api_keys:manage");
  const { allowedOrigins } = parseInput(ZUpdateApiKey, input);
  if (!z.uuid().safeParse(apiKeyId).success) throw new AppError("not_found", "No such API key in this workspace.");
  return db().$transaction(async (tx) => {
    const key = await tx.apiKey.findFirst({
      where: { id: apiKeyId, workspaceId: ctx.workspace.id },
      select: SUMMARY_SELECT,
    });
    if (!key) throw new AppError("not_found", "No such API key in this workspace.");
    if (key.allowedOrigins.join("\n") === allowedOrigins.join("\n")) return toSummary(key);
    const updated = await tx.apiKey.update({ where: { id: key.id }, data: { allowedOrigins }, select: SUMMARY_SELECT });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "api_key.origins_updated",
      targetType: "api_key",
      targetId: key.id,
      summary: allowedOrigins.length
        ? `Allowed the API key "${key.name}" (${key.prefix}…) in browsers on ${allowedOrigins.join(", ")}`
        : `Allowed the API key "${key.name}" (${key.prefix}…) on servers only (no browser origins)`,
      metadata: { before: key.allowedOrigins, after: allowedOrigins },
    });
    return toSummary(updated);
  });
}

/**
 * The origins a live key allows browsers on, or null for an unknown or revoked key. Read only for requests
 * that carry an Origin header (browsers), so servers' requests cost nothing more.
 */
export async function allowedOriginsOfKey(secret: string): Promise<string[] | null> {
  if (!secret.startsWith(API_KEY_PREFIX) || secret.length > 200) return null;
  return (await selectAllowedOriginsOfLiveKey(pgPool(), hashToken(secret))) ?? null;
}

/**
 * The workspace context of a request authenticated by an API key. Unknown and revoked keys are both
 * "unauthenticated" (401) with the same message: a caller learns nothing about which keys exist.
 */
export async function workspaceContextForApiKey(secret: string, now: Date = new Date()): Promise<WorkspaceContext> {
  if (!secret.startsWith(API_KEY_PREFIX) || secret.length > 200)
    throw new AppError("unauthenticated", "Invalid or revoked API key.");
  // Every ingest request and Inngest-free API call passes here, so it is one plain statement on the pg
  // pool rather than a Prisma query with a relation (which cost 6–8% of the ingest server's CPU).
  // `lastUsedAt` is touched in the same statement, at most once per key per minute.
  const key = await selectKeyWithWorkspaceAndTouch(pgPool(), hashToken(secret), now, LAST_USED_RESOLUTION_MS / 1000);
  if (!key || key.revokedAt) throw new AppError("unauthenticated", "Invalid or revoked API key.");
  return {
    workspace: { id: key.workspaceId, slug: key.slug, name: key.workspaceName },
    role: null,
    actor: { kind: "api_key", apiKeyId: key.id, name: key.name },
    permissions: permissionsOfApiKey(key.scope),
  };
}

/** The key from `Authorization: Basic base64(key:)` (what Segment clients send) or `Authorization: Bearer key`. */
export function apiKeyFromAuthorization(header: string | null): string | null {
  if (!header) return null;
  const [scheme, value] = header.trim().split(/\s+/, 2);
  if (!value) return null;
  if (/^bearer$/i.test(scheme)) return value;
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(value, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    return colon === -1 ? decoded : decoded.slice(0, colon);
  }
  return null;
}
