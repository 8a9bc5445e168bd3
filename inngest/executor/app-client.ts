import { createHmac } from "node:crypto";
import http from "node:http";
import https from "node:https";

/**
 * HTTP calls from the executor to the app's serve endpoint: node:http with keep-alive (a call per step
 * adds up), no overall timeout shorter than a step may legitimately take, and optional request signing.
 */
export interface AppResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export class AppUnreachableError extends Error {}

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 256 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 256 }),
};

/**
 * JSON in RFC 8785 canonical form (keys sorted, no whitespace). The SDK verifies a signature over the
 * canonical form of the body it parsed, not over the bytes received, so a signed body is sent canonical.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * `X-Inngest-Signature` as the SDK verifies it in cloud mode: `t=<unix seconds>&s=<hex HMAC-SHA256 of
 * canonical body + t>`, keyed with the signing key minus its `signkey-<env>-` prefix (as text, not hex-decoded).
 */
export function signRequest(body: string, signingKey: string, nowMs: number): string {
  const t = Math.round(nowMs / 1000).toString();
  const key = signingKey.replace(/^signkey-[\w]+-/, "");
  return `t=${t}&s=${createHmac("sha256", key)
    .update(body + t)
    .digest("hex")}`;
}

export function request(
  method: string,
  url: string,
  body: string | undefined,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<AppResponse> {
  const target = new URL(url);
  const transport = target.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      target,
      {
        method,
        agent: target.protocol === "https:" ? agents.https : agents.http,
        headers: {
          ...headers,
          ...(body !== undefined
            ? { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) }
            : {}),
        },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", (error) =>
          reject(new AppUnreachableError(`${method} ${url}: response interrupted (${error.message})`)),
        );
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
    req.on("error", (error: NodeJS.ErrnoException) =>
      reject(new AppUnreachableError(`${method} ${url}: ${error.code ?? error.message}`)),
    );
    req.end(body);
  });
}
