import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { API_KEY_PREFIX, apiKeyFromAuthorization, workspaceContextForApiKey } from "../api-keys/api-keys";
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

/**
 * Parses the query string with the route's schema: `?a=1&b=x` becomes `{ a: "1", b: "x" }` (the last of a repeated
 * name wins) and a bad value answers 422 naming the parameter, the same shape as a bad body field.
 */
export function readQuery<S extends z.ZodType>(request: Request, schema: S): z.output<S> {
  return parseInput(schema, Object.fromEntries(new URL(request.url).searchParams));
}

/** Any route: errors mapped, plain results sent as JSON. */
export function route<P = Record<string, never>>(
  fn: (request: Request, params: P) => Promise<unknown>,
): RouteHandler<P> {
  return async (request, context) => {
    try {
      // Next gives a route without dynamic segments no params at all
      const result = await fn(request, ((await context.params) ?? {}) as P);
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

/**
 * Who may call a workspace route. `session`: a member signed in with the cookie, in the workspace named by the
 * `[slug]` path segment. `key`: an API key, in the key's workspace. `either`: an API key when the request carries
 * one, otherwise the session (so one handler serves both `/api/v1/...` and `/api/workspaces/[slug]/...`).
 */
export type WorkspaceAuth = "session" | "key" | "either";

/** What a workspace route declares: the permission it needs, who may call, and the schemas of its input. */
export interface WorkspaceRouteSpec<
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
> {
  permission: Permission;
  /** Default `either`. */
  auth?: WorkspaceAuth;
  /** The query string's schema: `?a=1&b=x` is parsed as `{ a: "1", b: "x" }` (422 naming the field on bad input). */
  query?: Q;
  /** The JSON body's schema (400 for malformed JSON, 413 over 1 MB, 422 naming every bad field). */
  body?: B;
}

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface WorkspaceRequest<P, Q, B> {
  request: Request;
  params: P;
  query: Parsed<Q>;
  body: Parsed<B>;
}

const MISSING_KEY =
  "Missing API key: send it as the HTTP Basic username (empty password) or as `Authorization: Bearer <key>`.";

async function contextFromKey(key: string | null, permission: Permission, slug: string | undefined) {
  if (!key) throw new AppError("unauthenticated", MISSING_KEY);
  const ctx = await workspaceContextForApiKey(key);
  // A key only ever acts in its own workspace: on /api/workspaces/<other>/..., the same 404 as for a non-member.
  if (slug !== undefined && slug !== ctx.workspace.slug) {
    throw new AppError("not_found", "No such workspace, or you are not a member of it.");
  }
  if (!ctx.permissions.has(permission)) {
    throw new AppError(
      "forbidden",
      permission === "ingest"
        ? "This API key cannot send events."
        : "This API key has the write scope (ingestion only); this endpoint needs a key with the full scope.",
    );
  }
  return ctx;
}

async function contextFromSession(request: Request, permission: Permission, slug: string) {
  assertSameOrigin(request);
  const ctx = await workspaceContextForUser(await requireSessionUser(request), slug);
  requirePermission(ctx, permission);
  return ctx;
}

/**
 * The one wrapper of workspace routes (Dub's `withWorkspace`): authenticates a session or an API key as the spec
 * allows, builds the same `WorkspaceContext` either way (its actor says who acted, for the audit log), checks the
 * permission (a role's for a session, a scope's for a key), then parses the query string and the body with the
 * spec's schemas before the handler runs.
 */
export function withWorkspace<
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  P extends object = Record<string, string>,
>(
  spec: WorkspaceRouteSpec<Q, B>,
  fn: (ctx: WorkspaceContext, input: WorkspaceRequest<P, Q, B>) => Promise<unknown>,
): RouteHandler<P & { slug?: string }> {
  const auth = spec.auth ?? "either";
  return route<P & { slug?: string }>(async (request, params) => {
    const slug = params.slug;
    const key = apiKeyFromAuthorization(request.headers.get("authorization"));
    // On a workspace URL, only one of our keys switches to key auth: anything else in Authorization (a reverse
    // proxy's own Basic credentials in front of the app) is not meant for Cairn, so the session still applies.
    const bySession =
      auth === "session" || (auth === "either" && slug !== undefined && !key?.startsWith(API_KEY_PREFIX));
    let ctx: WorkspaceContext;
    if (bySession) {
      if (slug === undefined) throw new Error("a session route needs a [slug] path segment");
      ctx = await contextFromSession(request, spec.permission, slug);
    } else {
      ctx = await contextFromKey(key, spec.permission, slug);
    }
    const query = spec.query ? readQuery(request, spec.query) : undefined;
    const body = spec.body ? await readBody(request, spec.body) : undefined;
    return fn(ctx, { request, params, query, body } as WorkspaceRequest<P, Q, B>);
  });
}

/** A member acting in the workspace named by the `slug` path segment (session only). */
export function workspaceRoute<P extends { slug: string }>(
  permission: Permission,
  fn: (ctx: WorkspaceContext, request: Request, params: P) => Promise<unknown>,
): RouteHandler<P> {
  return withWorkspace<undefined, undefined, P>({ permission, auth: "session" }, (ctx, { request, params }) =>
    fn(ctx, request, params),
  );
}

/** The public API (/api/v1/**) routes that have no session twin: authenticated by a workspace API key only. */
export function apiKeyRoute<P = Record<string, never>>(
  permission: Permission,
  fn: (ctx: WorkspaceContext, request: Request, params: P) => Promise<unknown>,
): RouteHandler<P> {
  return withWorkspace<undefined, undefined, P & object>({ permission, auth: "key" }, (ctx, { request, params }) =>
    fn(ctx, request, params),
  ) as unknown as RouteHandler<P>;
}
