import { outboundRequest, OutboundTimeoutError, type GuardOptions } from "../security/outbound";

/**
 * The HTTP request of a journey webhook, through the outbound guard (lib/security/outbound.ts): the URL is
 * the tenant's, so the host is resolved once and checked, and the connection goes to the checked address.
 * On node:http with keep-alive agents rather than fetch: a batch walk makes hundreds of these a second, and
 * undici's fetch cost several times the CPU of the request itself on the engine's hot path. Redirects are not
 * followed (a receiver's 3xx is its answer), the whole exchange must finish within `timeoutMs`, only the first
 * `keepBytes` of the answer are kept, and at most 1 MB is read (the rest is cut).
 */
export interface WebhookHttpResponse {
  status: number;
  body: string;
  retryAfter: string | undefined;
}

export class WebhookTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`No answer within ${timeoutMs} ms`);
    this.name = "TimeoutError";
  }
}

export async function sendWebhookRequest(
  url: string,
  init: {
    method: string;
    headers: Record<string, string>;
    body: string | undefined;
    timeoutMs: number;
    keepBytes: number;
  } & GuardOptions,
): Promise<WebhookHttpResponse> {
  try {
    const response = await outboundRequest(url, { ...init, keepBytes: init.keepBytes });
    return {
      status: response.status,
      body: response.text().slice(0, init.keepBytes),
      retryAfter: response.header("retry-after"),
    };
  } catch (error) {
    if (error instanceof OutboundTimeoutError) throw new WebhookTimeoutError(init.timeoutMs);
    throw error;
  }
}
