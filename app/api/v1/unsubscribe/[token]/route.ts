import { json, readText, route } from "@/lib/http/handler";
import { unsubscribe } from "@/lib/messaging/engagement";

/**
 * Unsubscribe. Mail clients POST "List-Unsubscribe=One-Click" here (RFC 8058) and get 200; the
 * confirmation form on /u/<token> posts here too and is sent back to that page to show it worked.
 */
export const POST = route<{ token: string }>(async (request, { token }) => {
  const body = await readText(request, 4096, "4 KB");
  const fromPage = new URLSearchParams(body).get("from") === "page";
  await unsubscribe(token, fromPage ? "link" : "one_click");
  if (fromPage)
    return new Response(null, { status: 303, headers: { Location: `/u/${encodeURIComponent(token)}?done=1` } });
  return json({ unsubscribed: true });
});
