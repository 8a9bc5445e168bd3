/**
 * SMS through Twilio's Messages API (or anything that speaks it): one form-encoded POST per message.
 * https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
 */
import type { GuardOptions } from "../../security/outbound";
import { providerDetail, providerRequest } from "./http";
import { ProviderError, type SendContext, type SendResult, type SmsMessage, type TwilioConfig } from "./types";

const DEFAULT_TIMEOUT_MS = 30_000;

/** Twilio error codes that say the recipient number itself can't be messaged, now or later. */
const ADDRESS_FAILURE_CODES = new Set([
  21211, // invalid 'To' phone number
  21610, // the recipient replied STOP (unsubscribed)
  21614, // 'To' is not a mobile number
]);

interface TwilioErrorBody {
  code?: number;
  message?: string;
  status?: number;
  more_info?: string;
}

/**
 * Where Twilio reports on an SMS: the status route with the sending workspace's id, so a report is judged by
 * that workspace's auth token and changes only that workspace's messages (lib/messaging/provider-events.ts).
 */
export const TWILIO_STATUS_PATH = "/api/v1/providers/twilio/status";
export function twilioStatusCallbackUrl(baseUrl: string, workspaceId: string): string {
  return `${baseUrl}${TWILIO_STATUS_PATH}?workspace=${encodeURIComponent(workspaceId)}`;
}

/** Send one SMS. Throws ProviderError; returns the message SID. */
export async function sendSms(
  config: TwilioConfig,
  message: SmsMessage,
  ctx: SendContext & GuardOptions,
): Promise<SendResult> {
  const timeoutMs = ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const url = `${config.baseUrl.replace(/\/+$/, "")}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`;
  const form = new URLSearchParams();
  form.set("To", message.to);
  if (config.from.startsWith("MG")) form.set("MessagingServiceSid", config.from);
  else form.set("From", config.from);
  form.set("Body", message.body);
  if (config.statusCallbackUrl) form.set("StatusCallback", config.statusCallbackUrl);

  // the base URL is the tenant's: through the outbound guard, no redirects, the answer capped
  const response = await providerRequest("Twilio", url, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json",
      "I-Twilio-Idempotency-Token": ctx.idempotencyKey,
    },
    body: form.toString(),
    timeoutMs,
    resolver: ctx.resolver,
    allow: ctx.allow,
  });
  const text = response.text();
  const secrets = [config.authToken, Buffer.from(`${config.accountSid}:${config.authToken}`).toString("base64")];

  let json: (TwilioErrorBody & { sid?: string; status?: unknown }) | null = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }

  if (response.status >= 200 && response.status < 300) {
    if (!json || typeof json.sid !== "string") {
      throw new ProviderError(
        `Twilio answered ${response.status} without a message SID: ${providerDetail(text, secrets)}`,
        { retryable: false, providerCode: String(response.status) },
      );
    }
    return {
      providerMessageId: json.sid,
      response: providerDetail(`${response.status} ${String(json.status ?? "")} ${json.sid}`, secrets),
    };
  }

  const code = typeof json?.code === "number" ? json.code : undefined;
  const detail = providerDetail(
    typeof json?.message === "string" ? json.message : text || response.statusText,
    secrets,
  );
  const errorMessage = `Twilio ${response.status}${code !== undefined ? ` (error ${code})` : ""}: ${detail}`;
  const providerCode = code !== undefined ? String(code) : String(response.status);
  const status = response.status;
  if (status === 408 || status === 429 || status >= 500)
    throw new ProviderError(errorMessage, { retryable: true, providerCode });
  throw new ProviderError(errorMessage, {
    retryable: false,
    permanentAddressFailure: code !== undefined && ADDRESS_FAILURE_CODES.has(code),
    providerCode,
  });
}
