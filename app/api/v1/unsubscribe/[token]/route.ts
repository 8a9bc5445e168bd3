import { json, readText, route } from "@/lib/http/handler";
import { unsubscribe } from "@/lib/messaging/engagement";

/**
 * Unsubscribe. Mail clients POST "List-Unsubscribe=One-Click" here (RFC 8058) and get 200; the
 * confirmation form on /u/<token> posts here too and is sent back to that page to show it worked. A message of
 * a subscription topic leaves the topic; the page's wider choice (`scope=channel`) leaves the channel's marketing.
 */
export const POST = route<{ token: string }>(async (request, { token }) => {
  const form = new URLSearchParams(await readText(request, 4096, "4 KB"));
  const fromPage = form.get("from") === "page";
  const result = await unsubscribe(token, fromPage ? "link" : "one_click", undefined, {
    scope: form.get("scope") === "channel" ? "channel" : "topic",
  });
  if (fromPage)
    return new Response(null, {
      status: 303,
      headers: { Location: `/u/${encodeURIComponent(token)}?done=${result.topic ? "topic" : "1"}` },
    });
  return json({ unsubscribed: true, ...(result.topic ? { topic: result.topic.key } : {}) });
});
