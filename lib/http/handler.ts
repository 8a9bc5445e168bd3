import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { apiKeyFromAuthorization, workspaceContextForApiKey } from "../api-keys/api-keys";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import type { Permission } from "../auth/permissions";
import { sessionUserFromCookieHeader } from "../auth/session";
import { AppError, parseInput, STATUS_BY_CODE } from "../errors";
import { workspaceContextForUser, type SessionUser } from "../workspaces/workspaces";

/**
 * The boundary between HTTP and the domain. Route handlers are three lines: pick a wrapper (who may
 * call), parse input, call one domain function. The wrappers authenticate, build the workspace
 * context, and map every error to one JSON shape:
 *   { "error": { "code": "validation", "message": "...", "fields": [{ "path": "email", "message": "..." }] } }
 */
type RouteContext<P> = { params: Promise<P> };
type RouteHandler<P> = (request: Request, context: RouteContext<P>) => Promise<Response>;

const NO_STORE = { "Cache-Control": "no-store" };

export function json(body: unknown, init: ResponseInit = {}): Response {
  return Response.json(body, { ...init, headers: { ...NO_STORE, ...init.headers } });
}

export function errorResponse(error: unknown): Response {
  if (error instanceof AppError) {
    const headers: Record<string, string> = {};
    if (error.retryAfterSeconds) headers["Retry-After"] = String(error.retryAfterSeconds);
    if (error.code === "unauthenticated") headers["WWW-Authenticate"] = 'Basic realm="Cairn"';
    const body = {
      error: { code: error.code, message: error.message, ...(error.fields.length ? { fields: error.fields } : {}) },
    };
    return json(body, { status: STATUS_BY_CODE[error.code], headers });
  }
  const id = randomUUID();
  console.error(`[cairn] unexpected error ${id}`, error);
  return json(
    {
      error: {
        code: "internal",
        message: `Something unexpected failed on the server. Reference: ${id} (it is in the server log).`,
        id,
      },
    },
    { status: 500 },
  );
}

const MAX_JSON_BYTES = 1024 * 1024;

/**
 * Reads a body as text, refusing it (413) as soon as it passes `maxBytes`: the declared Content-Length is
 * checked first, and a body without one is counted while it streams in, so nobody can make the server
 * buffer an unbounded request.
 */
export async function readText(request: Request, maxBytes: number, limitName = `${maxBytes} bytes`): Promise<string> {
  const tooLarge = () =>
    new AppError("payload_too_large", `The request body is larger than the limit of ${limitName}.`);
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes) throw tooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Reads a JSON body: a clear 400 for malformed JSON, 413 over the size limit. */
export async function readJson(request: Request, maxBytes = MAX_JSON_BYTES): Promise<unknown> {
  const text = await readText(request, maxBytes);
  if (!text.trim()) throw new AppError("invalid_json", "The request body is empty; send a JSON object.");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError("invalid_json", `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** Reads a JSON body and validates it with the boundary's schema (422 naming every offending field). */
export async function readBody<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S>> {
  return parseInput(schema, await readJson(request));
}

/** Any route: errors mapped, plain results sent as JSON. */
export function route<P = Record<string, never>>(
  fn: (request: Request, params: P) => Promise<unknown>,
): RouteHandler<P> {
  return async (request, context) => {
    try {
      const result = await fn(request, await context.params);
      return result instanceof Response ? result : json(result ?? { ok: true });
    } catch (error) {
      return errorResponse(error);
    }
  };
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Cookie-authenticated writes must come from Cairn's own pages: a cross-site form or script carries the
 * cookie (SameSite=Lax lets top-level POSTs through in some browsers' defaults) but not our Origin.
 */
function assertSameOrigin(request: Request): void {
  if (SAFE_METHODS.has(request.method)) return;
  const origin = request.headers.get("origin");
  if (!origin) return; // non-browser clients (curl, tests) send no Origin; they also carry no ambient cookie
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host") ?? new URL(request.url).host;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new AppError("forbidden", "Cross-site request refused.");
  }
  if (originHost !== host) throw new AppError("forbidden", "Cross-site request refused.");
}

export async function requireSessionUser(request: Request): Promise<SessionUser> {
  const user = await sessionUserFromCookieHeader(request.headers.get("cookie"));
  if (!user) throw new AppError("unauthenticated", "Sign in first: your session is missing or has expired.");
  return user;
}

/** A signed-in user, no workspace (e.g. creating a workspace, accepting an invitation). */
export function userRoute<P = Record<string, never>>(
  fn: (user: SessionUser, request: Request, params: P) => Promise<unknown>,
): RouteHandler<P> {
  return route<P>(async (request, params) => {
    assertSameOrigin(request);
    return fn(await requireSessionUser(request), request, params);
  });
}

/** A member acting in the workspace named by the `slug` path segment. */
export function workspaceRoute<P extends { slug: string }>(
  permission: Permission,
  fn: (ctx: WorkspaceContext, request: Request, params: P) => Promise<unknown>,
): RouteHandler<P> {
  return route<P>(async (request, params) => {
    assertSameOrigin(request);
    const ctx = await workspaceContextForUser(await requireSessionUser(request), params.slug);
    requirePermission(ctx, permission);
    return fn(ctx, request, params);
  });
}

/** The public API (/api/v1/**): authenticated by a workspace API key. */
export function apiKeyRoute<P = Record<string, never>>(
  permission: Permission,
  fn: (ctx: WorkspaceContext, request: Request, params: P) => Promise<unknown>,
): RouteHandler<P> {
  return route<P>(async (request, params) => {
    const key = apiKeyFromAuthorization(request.headers.get("authorization"));
    if (!key) {
      throw new AppError(
        "unauthenticated",
        "Missing API key: send it as the HTTP Basic username (empty password) or as `Authorization: Bearer <key>`.",
      );
    }
    const ctx = await workspaceContextForApiKey(key);
    if (!ctx.permissions.has(permission)) {
      throw new AppError(
        "forbidden",
        permission === "ingest"
          ? "This API key cannot send events."
          : "This API key has the write scope (ingestion only); this endpoint needs a key with the full scope.",
      );
    }
    return fn(ctx, request, params);
  });
}
