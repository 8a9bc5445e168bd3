import { json, readText, route } from "@/lib/http/handler";
import { INGEST_LIMITS } from "@/lib/ingest/limits";
import { receiveWebhook } from "@/lib/ingest/webhook-sources";

/** A generic webhook source's endpoint: authenticated by the unguessable source id and, if set, the signature. */
export const POST = route<{ sourceId: string }>(async (request, { sourceId }) => {
  const body = await readText(request, INGEST_LIMITS.maxRequestBytes, "500 KB per request");
  const result = await receiveWebhook(sourceId, body, request.headers);
  return json({
    success: true,
    received: result.received,
    stored: result.stored,
    duplicates: result.duplicates,
    ...(result.rejected.length ? { rejected: result.rejected } : {}),
  });
});
