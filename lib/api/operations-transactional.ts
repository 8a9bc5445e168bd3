import { ZSendMessage } from "../messaging/transactional/schemas";
import { keyOperation } from "./operation";

const TAG = "Transactional messages";

/** The transactional operations of the public API (listed in API_OPERATIONS by lib/api/operations.ts). */
export const transactionalApi = {
  send: keyOperation({
    method: "POST",
    path: "/send",
    tag: TAG,
    permission: "messages:send",
    status: 202,
    summary: "Send a transactional message",
    description:
      'A template (`templateId`) or inline `content` with its `channel`, to `{ userId }`, `{ email }` or `{ phone }` (E.164); an email or phone of no profile is sent to as an address alone. `data` (at most 32 KB) is `{{ data.<name> }}` in Liquid; `{{ data.order_id | required }}` makes a missing value a 422 naming `data.order_id`. Checked and rendered before anything is stored; answered 202 `{ id, status: "queued" }` at once, then delivered: only suppressions (hard bounce, complaint, invalid address, manual) stop it, never frequency caps, quiet hours or a marketing unsubscribe; with `locale` (a language tag, e.g. `de-AT`) the message is sent in that translation of the template when the person has no `locale` trait of their own (an address of no profile has only this; `de-AT` falls back to `de`, then the workspace default); with `topic` (the key of a subscription topic: unknown or archived is a 422 naming `topic`), a person who left that topic is not sent it (stored and answered 202, then suppressed) and the email carries a List-Unsubscribe that leaves the topic. `idempotencyKey` (or the `Idempotency-Key` header) is optional: the same key again answers the same message (200, `replayed: true`), with a different body 409. Rate limited per key (429 with Retry-After).',
    requestBody: {
      contentType: "application/json",
      description: "The message to send (parsed after the rate limit, so a refused request costs little).",
      schema: ZSendMessage,
    },
  }),
  getMessage: keyOperation({
    method: "GET",
    path: "/messages/{id}",
    tag: TAG,
    permission: "workspace:read",
    summary: "A message's status and timeline",
    description:
      "Any message of the workspace (transactional, broadcast, journey): status, channel, category, recipient, template, broadcast or journey, the time of each stage (queued, sent, delivered, opened, clicked), the reason of a suppression or failure, and its timeline. Another workspace's id answers 404.",
  }),
};
