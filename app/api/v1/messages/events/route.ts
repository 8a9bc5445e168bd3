import { messagesApi } from "@/lib/api/operations";
import { readJson, withWorkspace } from "@/lib/http/handler";
import { recordDeliveryEvents } from "@/lib/messaging/provider-events";

/** Delivery reports from an email provider's webhook (full key): { events: [{ messageId | providerMessageId, type, reason?, bounceType? }] }. */
export const POST = withWorkspace(messagesApi.deliveryEvents, async (ctx, { request }) =>
  recordDeliveryEvents(ctx, await readJson(request)),
);
