import { ZTwilioStatusQuery } from "@/lib/api/queries";
import { json, readQuery, readText, route } from "@/lib/http/handler";
import { receiveTwilioStatus, TWILIO_STATUS_PATH, twilioStatusCallbackUrl } from "@/lib/messaging/provider-events";
import { publicBaseUrl } from "@/lib/messaging/tracking";

/**
 * Twilio's StatusCallback: signed with the account's auth token over the public URL Cairn gave Twilio,
 * which names the sending workspace (`?workspace=<id>`); the bare URL is the one SMS sent before had.
 */
export const POST = route(async (request) => {
  const body = await readText(request, 64 * 1024, "64 KB");
  const workspaceId = readQuery(request, ZTwilioStatusQuery).workspace ?? null;
  // the URL signed is rebuilt from the public base URL, never taken from the request's Host
  const url =
    workspaceId === null
      ? `${publicBaseUrl()}${TWILIO_STATUS_PATH}`
      : twilioStatusCallbackUrl(publicBaseUrl(), workspaceId);
  return json(await receiveTwilioStatus(url, body, request.headers.get("x-twilio-signature"), workspaceId));
});
