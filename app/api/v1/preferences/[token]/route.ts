import { readText, route } from "@/lib/http/handler";
import { PREFERENCE_CHANNELS, savePreferences } from "@/lib/messaging/engagement";

/** The preference page's form: a checked box keeps (or opts in to) a channel; an unchecked one unsubscribes. */
export const POST = route<{ token: string }>(async (request, { token }) => {
  const form = new URLSearchParams(await readText(request, 4096, "4 KB"));
  await savePreferences(
    token,
    Object.fromEntries(PREFERENCE_CHANNELS.map((channel) => [channel, form.get(channel) === "on"])),
  );
  return new Response(null, {
    status: 303,
    headers: { Location: `/preferences/${encodeURIComponent(token)}?saved=1` },
  });
});
