/**
 * CORS for the endpoints browsers call from customers' websites (Segment's analytics.js posting events, and
 * its settings document). Cairn's own pages never need it: they are same-origin.
 *
 * The origin is echoed, never `*`, and no credentials are allowed: the key travels in the request (header or
 * body), never in a cookie, so a page can only send what its own key allows. Every answer that depends on
 * the Origin says `Vary: Origin`, so a cache between the browser and Cairn never serves one site's answer to
 * another.
 */

/** Headers the ingestion endpoints accept from browsers: analytics.js sends all three (X-Retry-Count on retries). */
export const INGEST_ALLOWED_HEADERS = ["Content-Type", "Authorization", "X-Retry-Count"] as const;
/** How long a browser may reuse a preflight answer (Chromium caps it at 2 hours, Firefox at 24). */
export const PREFLIGHT_MAX_AGE_SECONDS = 7200;

/** The Origin header when it names a real origin; `null` (opaque origins: sandboxed frames, file://) counts as none. */
export function requestOrigin(request: Request): string | null {
  const origin = request.headers.get("origin");
  return origin && origin !== "null" ? origin : null;
}

/** Whether a browser request from `origin` may use a key that allows `allowedOrigins`. */
export function originAllowed(origin: string, allowedOrigins: readonly string[]): boolean {
  return allowedOrigins.includes(origin.toLowerCase());
}

/** The headers that let the page at `origin` read the answer (and Retry-After, which analytics.js honours on 429). */
export function corsHeaders(origin: string): Record<string, string> {
  return { "Access-Control-Allow-Origin": origin, "Access-Control-Expose-Headers": "Retry-After", Vary: "Origin" };
}

/**
 * The answer to a preflight (OPTIONS). For ingestion the key may be in the body, which a preflight does not
 * carry, so every origin gets the same answer here; the origin is checked on the POST itself, which is
 * answered without CORS headers when the key does not allow it (the browser then withholds the answer).
 */
export function preflightResponse(
  request: Request,
  methods: readonly string[],
  allowedHeaders: readonly string[] = INGEST_ALLOWED_HEADERS,
): Response {
  const origin = requestOrigin(request);
  const headers: Record<string, string> = {
    Vary: "Origin",
    Allow: [...methods, "OPTIONS"].join(", "),
    "Cache-Control": "no-store",
  };
  if (origin) {
    Object.assign(headers, corsHeaders(origin), {
      "Access-Control-Allow-Methods": [...methods, "OPTIONS"].join(", "),
      "Access-Control-Allow-Headers": allowedHeaders.join(", "),
      "Access-Control-Max-Age": String(PREFLIGHT_MAX_AGE_SECONDS),
    });
  }
  return new Response(null, { status: 204, headers });
}

/** The same response with CORS headers for `origin` added (the body is passed through, not re-read). */
export function withCors(response: Response, origin: string): Response {
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(corsHeaders(origin))) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
