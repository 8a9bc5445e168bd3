import http from "node:http";
import https from "node:https";

/**
 * The HTTP request of a journey webhook, on node:http with keep-alive agents rather than fetch: a batch walk
 * makes hundreds of these a second, and undici's fetch (web streams, a Request and a Response object per call)
 * cost several times the CPU of the request itself on the engine's hot path. Redirects are not followed (a
 * receiver's 3xx is its answer), the whole exchange must finish within `timeoutMs`, and only the first
 * `keepBytes` of the answer are kept (the rest is read and dropped so the connection can be reused).
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

const agents = {
  "http:": new http.Agent({ keepAlive: true, maxSockets: 64 }),
  "https:": new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

export function sendWebhookRequest(
  url: string,
  init: { method: string; headers: Record<string, string>; body: string | undefined; timeoutMs: number; keepBytes: number },
): Promise<WebhookHttpResponse> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return reject(new Error(`invalid URL ${JSON.stringify(url)}`));
    }
    if (target.protocol !== "http:" && target.protocol !== "https:") return reject(new Error(`unsupported protocol ${target.protocol}`));
    const transport = target.protocol === "https:" ? https : http;
    const headers = init.body !== undefined ? { ...init.headers, "content-length": String(Buffer.byteLength(init.body)) } : init.headers;
    const request = transport.request(target, { method: init.method, headers, agent: agents[target.protocol] });
    const timer = setTimeout(() => request.destroy(new WebhookTimeoutError(init.timeoutMs)), init.timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    request.on("error", fail);
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      response.on("data", (chunk: Buffer) => {
        if (kept >= init.keepBytes) return;
        chunks.push(chunk);
        kept += chunk.length;
      });
      response.on("error", fail);
      response.on("end", () => {
        clearTimeout(timer);
        const retryAfter = response.headers["retry-after"];
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8").slice(0, init.keepBytes), retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter });
      });
    });
    request.end(init.body);
  });
}
