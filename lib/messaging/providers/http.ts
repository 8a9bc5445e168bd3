/**
 * The providers' HTTP calls: every URL here is one a tenant can set (the SMS base URL, FCM's token and API
 * URLs) or one a browser handed us (a Web Push endpoint), so each goes through the outbound guard
 * (lib/security/outbound.ts) and its failures become ProviderErrors whose text is short and safe to show.
 */
import {
  outboundRequest,
  OutboundBlockedError,
  OutboundTimeoutError,
  sanitizedReason,
  type OutboundInit,
  type OutboundResponse,
} from "../../security/outbound";
import { ProviderError } from "./types";

/** Provider answers are small JSON documents; more than this is cut (and is not a provider's answer). */
const MAX_PROVIDER_ANSWER = 256 * 1024;

export interface ProviderRequestOptions extends OutboundInit {
  /** a refused address means the recipient's address is dead (a Web Push endpoint), not a setting to fix */
  blockedIsAddressFailure?: boolean;
}

/**
 * POST/GET through the guard. `what` names the other end in errors ("Twilio", "the push service").
 * A refused address is permanent (asking again is refused again); a timeout or a network error is retryable.
 */
export async function providerRequest(
  what: string,
  url: string,
  options: ProviderRequestOptions,
): Promise<OutboundResponse> {
  try {
    return await outboundRequest(url, { maxBytes: MAX_PROVIDER_ANSWER, ...options });
  } catch (error) {
    if (error instanceof OutboundBlockedError) {
      throw new ProviderError(`${capitalized(what)} was not called: ${error.message}`, {
        retryable: false,
        permanentAddressFailure: options.blockedIsAddressFailure ?? false,
        providerCode: error.code,
      });
    }
    if (
      error instanceof OutboundTimeoutError ||
      (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
    ) {
      throw new ProviderError(`${capitalized(what)} did not answer within ${options.timeoutMs} ms`, {
        retryable: true,
        providerCode: "ETIMEDOUT",
      });
    }
    const code = (error as { code?: unknown }).code;
    const detail =
      typeof code === "string"
        ? code
        : sanitizedReason(error instanceof Error ? error.message : String(error), { max: 100 });
    throw new ProviderError(`Could not reach ${what}: ${detail}`, {
      retryable: true,
      providerCode: typeof code === "string" ? code : "ENETWORK",
    });
  }
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A provider's words for the tenant: printable, at most ~200 characters, with the secrets of the call blanked. */
export function providerDetail(text: string, secrets: (string | undefined)[] = []): string {
  return sanitizedReason(text, { max: 200, secrets });
}
