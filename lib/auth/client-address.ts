import { BlockList, isIP } from "node:net";

/**
 * The client address a sign-in attempt is counted against (the per-address rate limit).
 *
 * A Next.js 16 route handler gets no socket, and `next start` sets `x-forwarded-for` to the peer only when
 * the request has no such header (`??=` in base-server), so a client could pick its own key by sending one.
 * Cairn's web server (scripts/web-server.ts, what `npm start` and `npm run dev` run) therefore does what a
 * proxy does before Next sees a request: it appends the socket's peer address (`appendPeerAddress`). The
 * right-most entry is then always the address that connected to Cairn, whatever the client wrote.
 *
 * `CAIRN_TRUSTED_PROXIES` says how many entries to the left of it to believe:
 * - unset, "", "none" or "0" (the default): no proxy; the peer (the right-most entry) is the client.
 * - a number N: Cairn is reachable only through N proxies that each append to the header. The peer is the
 *   last proxy; the entry N places left of the peer is the address the first proxy saw. Everything further
 *   left is the client's own text.
 * - a comma-separated list of addresses and CIDRs (`10.0.0.0/8, 192.168.1.4, fd00::/8`): entries are read
 *   from the right, skipping those in the list; the first one that is not a trusted proxy is the client.
 * Anything that is not an IP address counts as "unknown", so made-up strings all share one key.
 */
export type TrustedProxies = { kind: "none" } | { kind: "hops"; hops: number } | { kind: "list"; list: BlockList };

export const TRUSTED_PROXIES_ENV = "CAIRN_TRUSTED_PROXIES";
export const UNKNOWN_ADDRESS = "unknown";

/** Strips brackets, ports and the IPv4-in-IPv6 prefix; null when what remains is not an IP address. */
export function normalizeAddress(raw: string): string | null {
  let value = raw.trim().replace(/^"|"$/g, "");
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) value = bracketed[1];
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(":"));
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(value);
  if (mapped) value = mapped[1];
  return isIP(value) ? value.toLowerCase() : null;
}

export function parseTrustedProxies(value: string | undefined): TrustedProxies {
  const text = (value ?? "").trim();
  if (text === "" || text.toLowerCase() === "none" || text === "0") return { kind: "none" };
  if (/^\d+$/.test(text)) return { kind: "hops", hops: Number(text) };
  const list = new BlockList();
  for (const entry of text
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [address, prefix, extra] = entry.split("/");
    const normalized = normalizeAddress(address);
    const family = normalized ? (isIP(normalized) === 4 ? "ipv4" : "ipv6") : null;
    const bits = prefix === undefined ? undefined : Number(prefix);
    if (
      !normalized ||
      !family ||
      extra !== undefined ||
      (bits !== undefined && (!/^\d+$/.test(prefix) || bits > (family === "ipv4" ? 32 : 128)))
    ) {
      throw new Error(
        `${TRUSTED_PROXIES_ENV}: "${entry}" is not an IP address or CIDR. Use a hop count (e.g. 1) or a comma-separated list such as "10.0.0.0/8, 192.168.1.4".`,
      );
    }
    if (bits === undefined) list.addAddress(normalized, family);
    else list.addSubnet(normalized, bits, family);
  }
  return { kind: "list", list };
}

let cached: { text: string | undefined; parsed: TrustedProxies } | undefined;

/** The setting of the running server (read per call, parsed once per value). */
export function trustedProxiesFromEnv(): TrustedProxies {
  const text = process.env[TRUSTED_PROXIES_ENV];
  if (!cached || cached.text !== text) cached = { text, parsed: parseTrustedProxies(text) };
  return cached.parsed;
}

function isTrusted(list: BlockList, address: string): boolean {
  return list.check(address, isIP(address) === 4 ? "ipv4" : "ipv6");
}

/** The client address from the `x-forwarded-for` header Next hands the route, under the trusted-proxy setting. */
export function clientAddress(forwardedFor: string | null | undefined, trusted: TrustedProxies): string {
  const entries = (forwardedFor ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) return UNKNOWN_ADDRESS;
  let picked: string;
  if (trusted.kind === "none") {
    picked = entries[entries.length - 1];
  } else if (trusted.kind === "hops") {
    // The right-most entry is the peer (the last proxy); the client is `hops` entries left of it. Fewer
    // entries than that: the request did not come through all the proxies; the left-most is all there is.
    picked = entries[Math.max(0, entries.length - 1 - trusted.hops)];
  } else {
    picked = entries[0];
    for (let i = entries.length - 1; i >= 0; i--) {
      const address = normalizeAddress(entries[i]);
      if (!address || !isTrusted(trusted.list, address)) {
        picked = entries[i];
        break;
      }
    }
  }
  return normalizeAddress(picked) ?? UNKNOWN_ADDRESS;
}

/**
 * What Cairn's web server does to each request before Next sees it, as a proxy does: the socket's peer
 * address goes on the right of `x-forwarded-for` (after whatever the client or earlier proxies wrote).
 */
export function appendPeerAddress(forwardedFor: string | string[] | undefined, peer: string | undefined): string {
  const existing = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? "")).trim();
  const address = (peer && normalizeAddress(peer)) || UNKNOWN_ADDRESS;
  return existing ? `${existing}, ${address}` : address;
}
