import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";

/**
 * The one way Cairn makes a request to a URL or host a tenant can set (webhook steps and broadcasts, the SMS base URL, FCM's
 * token and API URLs, Web Push endpoints, the SMTP host): the guard against server-side request forgery.
 *
 * - The host is resolved once, every address it resolves to is checked, and the connection goes to exactly
 *   the checked address (a `lookup` that answers with it), so a name cannot pass the check with a public
 *   address and then connect to a private one (DNS rebinding). SMTP does the same with `resolveOutbound`.
 * - Refused: every address that is not public unicast: loopback, private (RFC 1918, fc00::/7), link-local
 *   (with the cloud metadata addresses), carrier-grade NAT, multicast, unspecified, broadcast, reserved, and
 *   the IPv6 forms that carry an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64) when the IPv4 inside is
 *   one of those. Odd IPv4 spellings (`0x7f.1`, `2130706433`, `0`) are read as the address they are.
 * - The operator's exceptions, and only those: CAIRN_OUTBOUND_ALLOW, comma-separated `host:port`, `ip`,
 *   `ip:port` or CIDR (`127.0.0.1:2525,10.0.0.0/8`). There is no built-in exception, not even loopback.
 * - Redirects are not followed (a 3xx is the answer); `Host` and hop-by-hop headers are dropped from the
 *   headers given; the answer is read up to a cap and cut; one deadline covers the whole exchange.
 */

export type ResolvedAddress = { address: string; family: number };
/** Resolves a host name to its addresses; tests pass their own so a name can resolve to anything. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

export interface GuardOptions {
  resolver?: Resolver;
  /** the allow list (CAIRN_OUTBOUND_ALLOW's syntax); default: the environment's, read at each call */
  allow?: string;
}

export const OUTBOUND_ALLOW_ENV = "CAIRN_OUTBOUND_ALLOW";

/** A request refused by the guard: the reason names the address, the host and the setting that would allow it. */
export class OutboundBlockedError extends Error {
  readonly code = "EOUTBOUND_BLOCKED";
  constructor(
    message: string,
    readonly host: string,
    readonly address: string | null,
  ) {
    super(message);
    this.name = "OutboundBlockedError";
  }
}

export class OutboundTimeoutError extends Error {
  readonly code = "ETIMEDOUT";
  constructor(timeoutMs: number) {
    super(`No answer within ${timeoutMs} ms`);
    this.name = "TimeoutError";
  }
}

const RANGE_WORDS: Record<string, string> = {
  loopback: "loopback",
  private: "private",
  uniqueLocal: "private",
  linkLocal: "link-local",
  carrierGradeNat: "carrier-grade NAT",
  multicast: "multicast",
  unspecified: "unspecified",
  broadcast: "broadcast",
  reserved: "reserved",
};
const METADATA = new Set(["169.254.169.254", "fd00:ec2::254", "100.100.100.200", "169.254.170.2"]);

function parseIp(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  if (!ipaddr.isValid(bare)) return null;
  const parsed = ipaddr.parse(bare);
  return parsed;
}

/**
 * Why an address may not be connected to ("loopback", "private", "a cloud metadata address", ...), or null
 * for a public unicast address. The IPv4 inside IPv4-mapped, IPv4-compatible and NAT64 (64:ff9b::/96) IPv6
 * addresses is judged as itself.
 */
export function blockedRange(address: string): string | null {
  const ip = parseIp(address);
  if (!ip) return "not an IP address";
  if (METADATA.has(ip.toNormalizedString()) || METADATA.has(ip.toString())) return "a cloud metadata address";
  if (ip.kind() === "ipv6") {
    const v6 = ip as ipaddr.IPv6;
    const parts = v6.parts;
    const range = v6.range();
    // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible, deprecated), ::ffff:0:a.b.c.d (SIIT), 64:ff9b::a.b.c.d (NAT64)
    const embedsV4 =
      v6.isIPv4MappedAddress() ||
      (parts.slice(0, 6).every((p) => p === 0) && (parts[6] !== 0 || parts[7] > 1)) ||
      range === "rfc6145" ||
      (parts[0] === 0x64 && parts[1] === 0xff9b && parts.slice(2, 6).every((p) => p === 0));
    if (embedsV4) {
      const v4 = new ipaddr.IPv4([parts[6] >> 8, parts[6] & 0xff, parts[7] >> 8, parts[7] & 0xff]);
      const inner = blockedRange(v4.toString());
      return inner ? `${inner} (as ${v4.toString()} inside an IPv6 address)` : null;
    }
    if (range === "unicast") return null;
    return RANGE_WORDS[range] ?? `not a public address (${range})`;
  }
  const range = ip.range();
  if (range === "unicast") return null;
  return RANGE_WORDS[range] ?? `not a public address (${range})`;
}

// ---------------------------------------------------------------------------------------------------------
// The operator's allow list

type AllowRule =
  | { kind: "host"; host: string; port: number }
  | { kind: "ip"; ip: ipaddr.IPv4 | ipaddr.IPv6; port: number | null }
  | { kind: "cidr"; range: [ipaddr.IPv4 | ipaddr.IPv6, number] };

const parsedLists = new Map<string, AllowRule[]>();

/** CAIRN_OUTBOUND_ALLOW's entries; an entry that is none of host:port, ip, ip:port, [ipv6]:port or CIDR is an error (said at once, not ignored). */
export function parseAllowList(value: string | undefined): AllowRule[] {
  const text = (value ?? "").trim();
  const cached = parsedLists.get(text);
  if (cached) return cached;
  const rules: AllowRule[] = [];
  for (const raw of text.split(",")) {
    const entry = raw.trim();
    if (!entry) continue;
    if (entry.includes("/")) {
      try {
        rules.push({ kind: "cidr", range: ipaddr.parseCIDR(entry) });
        continue;
      } catch {
        throw new Error(`${OUTBOUND_ALLOW_ENV}: "${entry}" is not a CIDR range such as 10.0.0.0/8`);
      }
    }
    const ip = parseIp(entry);
    if (ip) {
      rules.push({ kind: "ip", ip, port: null });
      continue;
    }
    const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(entry);
    if (!match) throw new Error(`${OUTBOUND_ALLOW_ENV}: "${entry}" is not host:port, ip, ip:port or a CIDR range`);
    const port = Number(match[2]);
    const hostIp = parseIp(match[1]);
    if (hostIp) rules.push({ kind: "ip", ip: hostIp, port });
    else rules.push({ kind: "host", host: match[1].toLowerCase().replace(/\.$/, ""), port });
  }
  parsedLists.set(text, rules);
  return rules;
}

function sameIp(a: ipaddr.IPv4 | ipaddr.IPv6, b: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  const norm = (x: ipaddr.IPv4 | ipaddr.IPv6) =>
    x.kind() === "ipv6" && (x as ipaddr.IPv6).isIPv4MappedAddress() ? (x as ipaddr.IPv6).toIPv4Address() : x;
  const [x, y] = [norm(a), norm(b)];
  return x.kind() === y.kind() && x.toNormalizedString() === y.toNormalizedString();
}

function inRange(ip: ipaddr.IPv4 | ipaddr.IPv6, range: [ipaddr.IPv4 | ipaddr.IPv6, number]): boolean {
  const candidate =
    ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress() && range[0].kind() === "ipv4"
      ? (ip as ipaddr.IPv6).toIPv4Address()
      : ip;
  return candidate.kind() === range[0].kind() && candidate.match(range);
}

/** True when the operator allowed this connection (by the host name and port, or by the address). */
export function isAllowed(
  target: { host: string; address: string; port: number },
  allow: string | undefined = process.env[OUTBOUND_ALLOW_ENV],
): boolean {
  const rules = parseAllowList(allow);
  if (!rules.length) return false;
  const ip = parseIp(target.address);
  const host = target.host.toLowerCase().replace(/\.$/, "");
  return rules.some((rule) => {
    if (rule.kind === "host") return rule.host === host && rule.port === target.port;
    if (!ip) return false;
    if (rule.kind === "ip") return sameIp(rule.ip, ip) && (rule.port === null || rule.port === target.port);
    return inRange(ip, rule.range);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Host names and addresses

/**
 * A host as the network reads it: lower case, IPv6 without brackets, and odd IPv4 spellings (0x7f.1,
 * 2130706433, 0177.0.0.1, 0) as the dotted address they mean, by the WHATWG URL parser's rules.
 */
export function canonicalHost(host: string): string {
  const trimmed = host.trim();
  const bracketed = trimmed.includes(":") && !trimmed.startsWith("[") ? `[${trimmed}]` : trimmed;
  let hostname: string;
  try {
    hostname = new URL(`http://${bracketed}/`).hostname;
  } catch {
    throw new OutboundBlockedError(`"${host}" is not a host name or an IP address`, host, null);
  }
  return hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
}

function refusal(host: string, address: string, why: string): OutboundBlockedError {
  const of = host === address ? "" : ` of ${host}`;
  return new OutboundBlockedError(
    `the address ${address}${of} is ${why}; an operator can allow it with ${OUTBOUND_ALLOW_ENV}`,
    host,
    address,
  );
}

/**
 * The problem with a literal IP host a tenant is saving (a URL or a bare host), or null: names are judged
 * when they are resolved, at connect time; this only refuses what is already certain at save time.
 */
export function literalAddressProblem(
  urlOrHost: string,
  allow: string | undefined = process.env[OUTBOUND_ALLOW_ENV],
): string | null {
  let host: string;
  let port = 0;
  try {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(urlOrHost)) {
      const url = new URL(urlOrHost);
      host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
      port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
    } else host = canonicalHost(urlOrHost);
  } catch {
    return null; // not parseable: the field's own format check says so
  }
  if (!parseIp(host)) return null;
  const why = blockedRange(host);
  if (!why || isAllowed({ host, address: host, port }, allow)) return null;
  return refusal(host, host, why).message;
}

/**
 * The address to connect to for `host:port`: the host itself when it is an IP, else the first address it
 * resolves to. Every address the name resolves to must pass (a name with one private address among public
 * ones is refused: which one a client picks is not ours to know). Throws OutboundBlockedError.
 */
export async function resolveOutbound(
  host: string,
  port: number,
  options: GuardOptions = {},
): Promise<ResolvedAddress & { host: string }> {
  const allow = options.allow ?? process.env[OUTBOUND_ALLOW_ENV];
  const name = canonicalHost(host);
  if (!name) throw new OutboundBlockedError("no host given", host, null);
  const literal = parseIp(name);
  if (literal) {
    const why = blockedRange(name);
    if (why && !isAllowed({ host: name, address: name, port }, allow)) throw refusal(name, name, why);
    return { host: name, address: name, family: literal.kind() === "ipv6" ? 6 : 4 };
  }
  const addresses = await (options.resolver ?? systemResolver)(name);
  if (!addresses.length)
    throw Object.assign(new Error(`${name} did not resolve to any address`), { code: "ENOTFOUND" });
  for (const { address } of addresses) {
    const why = blockedRange(address);
    if (why && !isAllowed({ host: name, address, port }, allow)) throw refusal(name, address, why);
  }
  return { host: name, address: addresses[0].address, family: addresses[0].family };
}

// ---------------------------------------------------------------------------------------------------------
// Text that goes back to the tenant

/**
 * What of a remote party's answer may be shown: control characters and line breaks out, whitespace
 * collapsed, the given secrets replaced, at most `max` characters. A provider's error body can carry
 * anything (an echo of our headers, a stack trace); the tenant gets the gist, never the whole.
 */
export function sanitizedReason(
  text: string,
  options: { max?: number; secrets?: (string | undefined | null)[] } = {},
): string {
  const max = options.max ?? 200;
  let clean = text
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  for (const secret of options.secrets ?? [])
    if (secret && secret.length >= 4) clean = clean.split(secret).join("[redacted]");
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

// ---------------------------------------------------------------------------------------------------------
// HTTP

export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/** Headers no caller may set: the connection's own, and Host (the URL's host is the one sent). */
const DROPPED_HEADERS = new Set([
  "host",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "content-length",
]);

export function outboundHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    if (DROPPED_HEADERS.has(lower) || lower.startsWith("proxy-")) continue;
    out[name] = value;
  }
  return out;
}

export interface OutboundInit extends GuardOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** one deadline over resolving, connecting, sending and reading */
  timeoutMs: number;
  /** an outer deadline shared with other calls (FCM's token fetch and send) */
  signal?: AbortSignal;
  /** read at most this much of the answer (default 1 MB); past it the connection is cut */
  maxBytes?: number;
  /** keep only this much of what is read (default: maxBytes); the rest is read and dropped */
  keepBytes?: number;
}

export interface OutboundResponse {
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** true when the answer was longer than maxBytes and was cut */
  truncated: boolean;
  text(): string;
  header(name: string): string | undefined;
}

function isConnectionReset(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ECONNRESET" || code === "EPIPE" || error.message === "socket hang up";
}

const agents = {
  "http:": new http.Agent({ keepAlive: true, maxSockets: 64 }),
  "https:": new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

/** Answers every lookup with the one address the guard checked (also when net asks for all addresses). */
function pinnedLookup(address: string, family: number): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as unknown as LookupFunction;
}

/**
 * One HTTP(S) request to a tenant-set URL, through the guard. Resolves with the answer whatever its status
 * (3xx included: redirects are not followed); rejects with OutboundBlockedError, OutboundTimeoutError, an
 * AbortError (the outer signal), or the network's error (ECONNREFUSED, ENOTFOUND...).
 */
export async function outboundRequest(url: string, init: OutboundInit): Promise<OutboundResponse> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new OutboundBlockedError(`invalid URL ${JSON.stringify(url.slice(0, 200))}`, "", null);
  }
  if (target.protocol !== "http:" && target.protocol !== "https:")
    throw new OutboundBlockedError(
      `unsupported protocol ${target.protocol} (only http and https)`,
      target.hostname,
      null,
    );
  const port = Number(target.port || (target.protocol === "https:" ? 443 : 80));
  const maxBytes = init.maxBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const keepBytes = Math.min(init.keepBytes ?? maxBytes, maxBytes);

  return new Promise<OutboundResponse>((resolve, reject) => {
    let settled = false;
    let request: http.ClientRequest | null = null;
    const finish = (error: Error | null, response?: OutboundResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      init.signal?.removeEventListener("abort", onAbort);
      if (error) {
        request?.destroy();
        reject(error);
      } else resolve(response!);
    };
    const timer = setTimeout(() => finish(new OutboundTimeoutError(init.timeoutMs)), init.timeoutMs);
    const onAbort = () =>
      finish(
        init.signal?.reason instanceof Error
          ? init.signal.reason
          : Object.assign(new Error("aborted"), { name: "AbortError" }),
      );
    if (init.signal?.aborted) return onAbort();
    init.signal?.addEventListener("abort", onAbort, { once: true });

    resolveOutbound(target.hostname, port, init).then(
      (checked) => {
        if (settled) return;
        const headers = outboundHeaders(init.headers);
        const body = typeof init.body === "string" ? Buffer.from(init.body) : init.body;
        if (body !== undefined) headers["content-length"] = String(body.byteLength);
        const transport = target.protocol === "https:" ? https : http;
        const send = (attempt: number) => {
          if (settled) return;
          let responded = false;
          request = transport.request({
            protocol: target.protocol,
            host: checked.host,
            port,
            path: `${target.pathname}${target.search}`,
            method: init.method ?? "GET",
            headers,
            agent: agents[target.protocol as "http:" | "https:"],
            lookup: pinnedLookup(checked.address, checked.family),
            ...(target.protocol === "https:" && !parseIp(checked.host) ? { servername: checked.host } : {}),
          });
          const sent = request;
          sent.on("error", (error) => {
            // A kept-alive connection the server closed just as it was reused fails before any answer: nothing was
            // received, so the request goes again once on a new connection (Node's documented remedy). A webhook
            // carries its Idempotency-Key either way.
            if (!responded && attempt === 0 && sent.reusedSocket && isConnectionReset(error)) return send(1);
            finish(error);
          });
          sent.on("response", (response) => {
            responded = true;
            const chunks: Buffer[] = [];
            let kept = 0;
            let read = 0;
            let truncated = false;
            const done = () => {
              const bodyBuffer = Buffer.concat(chunks).subarray(0, keepBytes);
              finish(null, {
                status: response.statusCode ?? 0,
                statusText: response.statusMessage ?? "",
                headers: response.headers,
                body: bodyBuffer,
                truncated,
                text: () => bodyBuffer.toString("utf8"),
                header: (name) => {
                  const value = response.headers[name.toLowerCase()];
                  return Array.isArray(value) ? value[0] : value;
                },
              });
            };
            response.on("data", (chunk: Buffer) => {
              read += chunk.length;
              if (kept < keepBytes) {
                chunks.push(chunk);
                kept += chunk.length;
              }
              if (read > maxBytes) {
                // cut: the rest of a too-long answer is neither read nor waited for
                truncated = true;
                response.destroy();
                done();
              }
            });
            response.on("error", (error) => finish(error));
            response.on("end", done);
          });
          sent.end(body);
        };
        send(0);
      },
      (error: Error) => finish(error),
    );
  });
}
