import { readText, route } from "@/lib/http/handler";
import { PREFERENCE_CHANNELS, savePreferences } from "@/lib/messaging/engagement";

/**
 * The preference page's form: a checked box keeps (or opts in to) a channel or a topic; an unchecked one
 * unsubscribes. Unchecked boxes are not sent, so the form lists the topics it showed (`shown-topic`), and each
 * of those is a choice, `topic:<key>` "on" or absent.
 */
export const POST = route<{ token: string }>(async (request, { token }) => {
  const form = new URLSearchParams(await readText(request, 16_384, "16 KB"));
  await savePreferences(
    token,
    Object.fromEntries(PREFERENCE_CHANNELS.map((channel) => [channel, form.get(channel) === "on"])),
    undefined,
    Object.fromEntries(form.getAll("shown-topic").map((key) => [key, form.get(`topic:${key}`) === "on"])),
  );
  return new Response(null, {
    status: 303,
    headers: { Location: `/preferences/${encodeURIComponent(token)}?saved=1` },
  });
});
