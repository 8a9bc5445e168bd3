import { API_KEY_PREFIX, apiKeyFromAuthorization } from "../api-keys/api-keys";
import { apiKeyRoute, json, readText } from "../http/handler";
import { unverifiedIdentifies } from "../messaging/identity-verification";
import { ingest } from "./ingest";
import { INGEST_LIMITS } from "./limits";
import type { MessageType } from "./schemas";

/** The route handler shared by /api/v1/{track,identify,page,screen,alias,batch}. */
export function ingestRoute(endpoint: MessageType | "batch") {
  return apiKeyRoute("ingest", async (ctx, request) => {
    const body = await readText(request, INGEST_LIMITS.maxRequestBytes, "500 KB per request");
    // a browser's identify/alias must carry the userId's hash when the workspace requires it; those that
    // do not are rejected one by one, like any invalid message
    const unverified = await unverifiedIdentifies(ctx, request.headers, body, endpoint);
    // the key's public prefix (as Settings → API keys shows it), kept with rejected messages
    const keyPrefix =
      apiKeyFromAuthorization(request.headers.get("authorization"))?.slice(0, API_KEY_PREFIX.length + 6) ?? null;
    const result = await ingest(ctx, body, endpoint, undefined, { keyPrefix, unverified });
    // `success` is what Segment's API answers; the counts say what happened to each message, and
    // `rejected` lists the messages not stored ({ index, path, reason, fields }).
    // no-transform: the answer is ~60 bytes, and `next start` would otherwise gzip it (a fresh zlib stream
    // per request, a few percent of the server's CPU under load).
    return json(
      {
        success: true,
        received: result.received,
        stored: result.stored,
        duplicates: result.duplicates,
        ...(result.rejected.length ? { rejected: result.rejected } : {}),
      },
      { headers: { "Cache-Control": "no-store, no-transform" } },
    );
  });
}
