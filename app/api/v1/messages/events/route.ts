import { apiKeyRoute, readJson } from "@/lib/http/handler";
import { recordDeliveryEvents } from "@/lib/messaging/provider-events";

/** Delivery reports from an email provider's webhook (full key): { events: [{ messageId | providerMessageId, type, reason?, bounceType? }] }. */
export const POST = apiKeyRoute("content:write", async (ctx, request) =>
  recordDeliveryEvents(ctx, await readJson(request)),
);
