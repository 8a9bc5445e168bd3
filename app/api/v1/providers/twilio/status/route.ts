import { json, readText, route } from "@/lib/http/handler";
import { receiveTwilioStatus } from "@/lib/messaging/provider-events";
import { publicBaseUrl } from "@/lib/messaging/tracking";

/** Twilio's StatusCallback: signed with the account's auth token over the public URL Cairn gave Twilio. */
export const POST = route(async (request) => {
  const body = await readText(request, 64 * 1024, "64 KB");
  const url = `${publicBaseUrl()}/api/v1/providers/twilio/status`;
  return json(await receiveTwilioStatus(url, body, request.headers.get("x-twilio-signature")));
});
