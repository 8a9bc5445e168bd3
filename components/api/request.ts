/**
 * How the browser talks to Cairn's JSON API: one request function, one result shape, one error type. The typed
 * operations (api.segments.create, …) are built on it in ./client.ts; components never build an /api URL.
 *
 * Failures are values, not exceptions: every call answers `{ ok: true, data }` or `{ ok: false, error }`, so a
 * component cannot forget a rejected promise in an effect, and TypeScript makes it look at the error first.
 */

/** What the server answers for every refused request (lib/http/handler.ts, errorResponse). */
interface ErrorBody {
  error?: { code?: string; message?: string; fields?: { path: string; message: string }[] };
}

export const NETWORK_FAILURE_MESSAGE = "Cannot reach Cairn. Check your connection and try again.";

/**
 * A request that did not succeed. `code` is the server's (`validation`, `not_found`, …), or `network` when no
 * answer came, `aborted` when the caller cancelled it, `unexpected_response` when the answer was not Cairn's
 * JSON error (a proxy's HTML page, an empty body). `fields` maps a dotted field path to its first message, which
 * is what a form shows beside that field.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: Record<string, string>;

  constructor(status: number, code: string, message: string, fields: Record<string, string> = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.fields = fields;
  }

  /** Whether the server named at least one field (forms then show the messages beside the fields, not on top). */
  get hasFields(): boolean {
    return Object.keys(this.fields).length > 0;
  }
}

export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiError };

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  /** Sent as JSON. */
  body?: unknown;
  /** Appended as a query string; null and undefined values are left out. */
  query?: Record<string, QueryValue>;
  signal?: AbortSignal;
}

/** Sends one request to `url` and reads the answer as JSON (a successful answer without a body is `null`). */
async function sendRequest<T>(method: string, url: string, options: RequestOptions = {}): Promise<ApiResult<T>> {
  const { body, signal } = options;
  let response: Response;
  try {
    response = await fetch(withQuery(url, options.query), {
      method,
      headers: body === undefined ? undefined : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch {
    return { ok: false, error: new ApiError(0, signal?.aborted ? "aborted" : "network", NETWORK_FAILURE_MESSAGE) };
  }
  const payload: unknown = await response.json().catch(() => null);
  if (response.ok) return { ok: true, data: payload as T };
  return { ok: false, error: errorFromAnswer(response.status, payload) };
}

function errorFromAnswer(status: number, payload: unknown): ApiError {
  const error = (payload as ErrorBody | null)?.error;
  const fields: Record<string, string> = {};
  for (const field of error?.fields ?? []) fields[field.path] ??= field.message;
  return new ApiError(
    status,
    error?.code ?? "unexpected_response",
    error?.message ?? `The server answered ${status}.`,
    fields,
  );
}

function withQuery(url: string, query: RequestOptions["query"]): string {
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query))
    if (value !== undefined && value !== null) params.set(name, String(value));
  const text = params.toString();
  return text ? `${url}${url.includes("?") ? "&" : "?"}${text}` : url;
}

/**
 * A path with every interpolated value encoded as one URL segment: path`/workspaces/${slug}/segments/${id}`.
 * Ids never contain a slash today; encoding them keeps it that way for whatever a caller passes.
 */
export function path(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  return strings.reduce(
    (out, part, i) => out + part + (i < values.length ? encodeURIComponent(String(values[i])) : ""),
    "",
  );
}

/** Sends a request to one of Cairn's API paths (relative to /api) on `origin` ("" in the browser: the same origin). */
export type Send = <T>(method: string, apiPath: string, options?: RequestOptions) => Promise<ApiResult<T>>;

export function sender(origin: string): Send {
  return <T>(method: string, apiPath: string, options?: RequestOptions) =>
    sendRequest<T>(method, `${origin}/api${apiPath}`, options);
}
