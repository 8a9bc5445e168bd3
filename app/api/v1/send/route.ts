import { after } from "next/server";
import { transactionalApi } from "@/lib/api/operations-transactional";
import { json, readJson, withWorkspace } from "@/lib/http/handler";
import { sendLimiter } from "@/lib/http/rate-limit";
import { afterResponse, deliverTransactionalNow } from "@/lib/messaging/transactional/deliver-transactional";
import { sendTransactional } from "@/lib/messaging/transactional/send-transactional";

/** A transactional message: rate limited per key before the body is read, answered at once, delivered after. */
export const POST = withWorkspace(transactionalApi.send, async (ctx, { request }) => {
  sendLimiter().take(ctx.actor.kind === "api_key" ? ctx.actor.apiKeyId : ctx.workspace.id, new Date(), "sends");
  const sent = await sendTransactional(ctx, await readJson(request), {
    idempotencyKeyHeader: request.headers.get("idempotency-key"),
  });
  const queued = sent.queued;
  if (queued) afterResponse(after, () => deliverTransactionalNow(queued));
  return json(sent.response, { status: sent.status });
});
