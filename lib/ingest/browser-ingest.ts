import { allowedOriginsOfKey, apiKeyFromAuthorization } from "../api-keys/api-keys";
import { corsHeaders, originAllowed, preflightResponse, requestOrigin, withCors } from "../http/cors";
import { errorResponse, json, readText } from "../http/handler";
import { publicOrigin } from "../http/urls";
import { AppError } from "../errors";
import { ingestRoute } from "./ingest-route";
import { INGEST_LIMITS } from "./limits";
import type { MessageType } from "./schemas";

/**
 * Segment's browser library (@segment/analytics-next, "analytics.js 2.0"), unmodified, against Cairn.
 *
 * - It loads `<cdnURL>/v1/projects/<writeKey>/settings` first: with `cdnURL: "https://cairn.example/api"`
 *   that is /api/v1/projects/<key>/settings, which answers a minimal settings document whose Segment.io
 *   integration points `apiHost` at Cairn's /api/v1.
 * - It then posts each call to `<apiHost>/<first letter of the type>` (/t, /i, /p, /s, /a, /g), or to /b in
 *   batching mode, as `text/plain` (no JSON content type, so older versions need no preflight) with the write
 *   key in the body as `writeKey`; current versions also send it as `Authorization: Basic`. Both work: a body
 *   key is handed to the shared ingestion route as the Authorization header would be.
 * - A request with an Origin header comes from a page: the key must list that origin
 *   (ApiKey.allowedOrigins, Settings → API keys), or it is refused with 403 and no CORS headers, so the
 *   browser withholds the answer too. Requests without Origin (servers) are not affected.
 */
export const SHORT_ENDPOINTS = {
  t: "track",
  i: "identify",
  p: "page",
  s: "screen",
  a: "alias",
  g: "group",
  b: "batch",
} as const satisfies Record<string, MessageType | "batch">;

type Handler = (request: Request, context: { params: Promise<Record<string, never>> }) => Promise<Response>;

/** The key a Segment browser library put in the body (`writeKey`), when there is no Authorization header. */
function writeKeyInBody(body: string): string | null {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === "object" && "writeKey" in parsed && typeof parsed.writeKey === "string")
      return parsed.writeKey.trim() || null;
  } catch {
    // the ingestion route answers the malformed body itself
  }
  return null;
}

function originRefused(origin: string): AppError {
  return new AppError(
    "forbidden",
    `This API key is not allowed on ${origin}: an admin can add the origin to the key in Settings → API keys.`,
    {
      fields: [{ path: "Origin", message: `${origin} is not one of the key's allowed origins` }],
    },
  );
}

/** POST for a short endpoint: the key from the Authorization header or the body, the origin checked, then ingestion as for /api/v1/<type>. */
export function browserIngestRoute(endpoint: MessageType | "batch"): Handler {
  const ingestHandler = ingestRoute(endpoint);
  return async (request, context) => {
    const origin = requestOrigin(request);
    try {
      const body = await readText(request, INGEST_LIMITS.maxRequestBytes, "500 KB per request");
      const headers = new Headers(request.headers);
      headers.delete("content-length"); // the body is re-sent as text: its length is computed again
      let key = apiKeyFromAuthorization(request.headers.get("authorization"));
      if (!key) {
        key = writeKeyInBody(body);
        if (key) headers.set("authorization", `Bearer ${key}`);
      }
      let corsFor: string | null = null;
      if (origin && key) {
        const allowed = await allowedOriginsOfKey(key);
        // an unknown or revoked key: the ingestion route answers 401 (without CORS: nothing to read for the page)
        if (allowed) {
          if (!originAllowed(origin, allowed)) throw originRefused(origin);
          corsFor = origin;
        }
      }
      const response = await ingestHandler(new Request(request.url, { method: "POST", headers, body }), context);
      return corsFor ? withCors(response, corsFor) : response;
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/** OPTIONS for the short endpoints: any origin (the key may be in the body, which a preflight lacks). */
export function browserIngestPreflight(request: Request): Promise<Response> {
  return Promise.resolve(preflightResponse(request, ["POST"]));
}

/**
 * The settings document analytics.js loads at start. Only what the library needs to send to Cairn: the
 * Segment.io integration (the key, Cairn's API host and scheme), and empty plans, middleware and remote
 * plugins (Cairn has no destinations to load in the page). Nothing in it is secret.
 */
export function browserSettingsDocument(writeKey: string, cairnOrigin: string) {
  const url = new URL(cairnOrigin);
  return {
    integrations: {
      "Segment.io": {
        apiKey: writeKey,
        apiHost: `${url.host}/api/v1`,
        protocol: url.protocol.replace(":", ""),
        addBundledMetadata: true,
        unbundledIntegrations: [],
        maybeBundledConfigIds: {},
      },
    },
    plan: {
      track: { __default: { enabled: true, integrations: {} } },
      identify: { __default: { enabled: true } },
      group: { __default: { enabled: true } },
    },
    edgeFunction: {},
    analyticsNextEnabled: true,
    middlewareSettings: {},
    enabledMiddleware: {},
    metrics: { sampleRate: 0 },
    legacyVideoPluginsEnabled: false,
    remotePlugins: [],
  };
}

/** GET /api/v1/projects/<writeKey>/settings: 404 for an unknown or revoked key, 403 for a page on an origin the key does not allow. */
export async function browserSettingsResponse(request: Request, writeKey: string): Promise<Response> {
  const origin = requestOrigin(request);
  try {
    const allowed = await allowedOriginsOfKey(writeKey);
    if (!allowed) throw new AppError("not_found", "No such write key (or it was revoked).");
    if (origin && !originAllowed(origin, allowed)) throw originRefused(origin);
    // no-store: a change to the key's origins or a revocation shows at the next page load
    return json(browserSettingsDocument(writeKey, publicOrigin(request)), {
      headers: origin ? corsHeaders(origin) : { Vary: "Origin" },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
