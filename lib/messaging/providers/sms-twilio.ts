/**
 * SMS through Twilio's Messages API (or anything that speaks it): one form-encoded POST per message.
 * https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
 */
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

/** Where the fetch failed: the timeout's abort, or the network (the cause carries ECONNREFUSED, ENOTFOUND...). */
function networkError(error: unknown, timeoutMs: number): ProviderError {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return new ProviderError(`Twilio did not answer within ${timeoutMs} ms`, { retryable: true, providerCode: "ETIMEDOUT" });
  }
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const detail = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return new ProviderError(`Could not reach Twilio: ${detail}`, { retryable: true, providerCode: cause?.code ?? "ENETWORK" });
}

/** Send one SMS. Throws ProviderError; returns the message SID. */
export async function sendSms(config: TwilioConfig, message: SmsMessage, ctx: SendContext): Promise<SendResult> {
  const timeoutMs = ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const url = `${config.baseUrl.replace(/\/+$/, "")}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`;
  const form = new URLSearchParams();
  form.set("To", message.to);
  if (config.from.startsWith("MG")) form.set("MessagingServiceSid", config.from);
  else form.set("From", config.from);
  form.set("Body", message.body);
  if (config.statusCallbackUrl) form.set("StatusCallback", config.statusCallbackUrl);

  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
        "I-Twilio-Idempotency-Token": ctx.idempotencyKey,
      },
      body: form,
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text(); // the body read is under the same deadline
  } catch (error) {
    throw networkError(error, timeoutMs);
  }

  let json: (TwilioErrorBody & { sid?: string; status?: unknown }) | null = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }

  if (response.ok) {
    if (!json || typeof json.sid !== "string") {
      throw new ProviderError(`Twilio answered ${response.status} without a message SID: ${text.slice(0, 200)}`, { retryable: false, providerCode: String(response.status) });
    }
    return { providerMessageId: json.sid, response: `${response.status} ${String(json.status ?? "")} ${json.sid}`.replace(/\s+/g, " ").trim() };
  }

  const code = typeof json?.code === "number" ? json.code : undefined;
  const detail = json?.message ?? (text.slice(0, 200) || response.statusText);
  const errorMessage = `Twilio ${response.status}${code !== undefined ? ` (error ${code})` : ""}: ${detail}`;
  const providerCode = code !== undefined ? String(code) : String(response.status);
  const status = response.status;
  if (status === 408 || status === 429 || status >= 500) throw new ProviderError(errorMessage, { retryable: true, providerCode });
  throw new ProviderError(errorMessage, { retryable: false, permanentAddressFailure: code !== undefined && ADDRESS_FAILURE_CODES.has(code), providerCode });
}
