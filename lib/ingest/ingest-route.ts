import { apiKeyRoute, json, readText } from "../http/handler";
import { assertVerifiedIdentify } from "../messaging/identity-verification";
import { ingest } from "./ingest";
import { INGEST_LIMITS } from "./limits";
import type { MessageType } from "./schemas";

/** The route handler shared by /api/v1/{track,identify,page,screen,alias,batch}. */
export function ingestRoute(endpoint: MessageType | "batch") {
  return apiKeyRoute("ingest", async (ctx, request) => {
    const body = await readText(request, INGEST_LIMITS.maxRequestBytes, "500 KB per request");
    // a browser's identify/alias must carry the userId's hash when the workspace requires it
    await assertVerifiedIdentify(ctx, request.headers, body, endpoint);
    const result = await ingest(ctx, body, endpoint);
    // `success` is what Segment's API answers; the counts say what happened to each message.
    // no-transform: the answer is ~60 bytes, and `next start` would otherwise gzip it (a fresh zlib stream
    // per request, a few percent of the server's CPU under load).
    return json({ success: true, received: result.received, stored: result.stored, duplicates: result.duplicates }, { headers: { "Cache-Control": "no-store, no-transform" } });
  });
}
