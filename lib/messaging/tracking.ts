import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Signed links in sent messages: the open pixel, click redirects, one-click unsubscribe and the preference
 * page. Each carries the message id and an HMAC over what it may do (kind, message, and for clicks the
 * destination), keyed by a secret derived from CAIRN_ENCRYPTION_KEY. A forged or edited link fails
 * verification, so nobody can unsubscribe someone else, inflate clicks, or turn Cairn into an open redirect.
 */
export type LinkKind = "open" | "click" | "unsubscribe" | "preferences";

// Derived once per root key (every signed link needs it: several per message on a broadcast's hot path), and
// again if the root key changes (tests set their own).
let derived: { root: string; key: string } | null = null;

function trackingKey(): string {
  const root = process.env.CAIRN_ENCRYPTION_KEY;
  if (!root)
    throw new Error("CAIRN_ENCRYPTION_KEY is not set. `npm run dev` / `npm start` generate one in the data directory.");
  if (derived?.root !== root)
    derived = { root, key: createHmac("sha256", root).update("message-links").digest("base64url") };
  return derived.key;
}

function signature(kind: LinkKind, messageId: string, target = ""): string {
  // 128 bits: plenty against guessing, short enough for links
  return createHmac("sha256", trackingKey())
    .update(`${kind}\n${messageId}\n${target}`)
    .digest("base64url")
    .slice(0, 22);
}

export function signLink(kind: LinkKind, messageId: string, target = ""): string {
  return `${messageId}.${signature(kind, messageId, target)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The message id a token was signed for, or null when the token is malformed, forged or for another kind/target. */
export function verifyLink(kind: LinkKind, token: string, target = ""): string | null {
  const dot = token.lastIndexOf(".");
  if (dot < 0) return null;
  const messageId = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1));
  if (!UUID.test(messageId)) return null;
  const expected = Buffer.from(signature(kind, messageId, target));
  return given.length === expected.length && timingSafeEqual(given, expected) ? messageId.toLowerCase() : null;
}

export function publicBaseUrl(): string {
  return (process.env.CAIRN_PUBLIC_URL || process.env.NEXTAUTH_URL || "http://localhost:3000").replace(/\/+$/, "");
}

export interface MessageLinks {
  open: string;
  /** the page behind the unsubscribe link in the message (asks before it unsubscribes: link scanners follow GETs) */
  unsubscribe: string;
  /** the List-Unsubscribe header's target: a POST there unsubscribes at once (RFC 8058 one-click) */
  oneClickUnsubscribe: string;
  preferences: string;
  click: (url: string) => string;
}

export function messageLinks(messageId: string, base = publicBaseUrl()): MessageLinks {
  return {
    open: `${base}/t/o/${signLink("open", messageId)}`,
    unsubscribe: `${base}/u/${signLink("unsubscribe", messageId)}`,
    oneClickUnsubscribe: `${base}/api/v1/unsubscribe/${signLink("unsubscribe", messageId)}`,
    preferences: `${base}/preferences/${signLink("preferences", messageId)}`,
    click: (url) => `${base}/t/c/${signLink("click", messageId, url)}?u=${encodeURIComponent(url)}`,
  };
}

const HREF = /(<a\b[^>]*?\shref\s*=\s*)(["'])(.*?)\2/gi;

function decodeEntities(url: string): string {
  return url
    .replace(/&amp;/g, "&")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"');
}

/**
 * Tracks an email's HTML: http(s) links become click redirects (mailto:, tel:, anchors and the message's
 * own unsubscribe/preference links stay as they are) and an open pixel goes before </body>.
 */
export function trackEmailHtml(html: string, links: MessageLinks): string {
  const own = new Set([links.unsubscribe, links.preferences]);
  const tracked = html.replace(HREF, (whole, start: string, quote: string, href: string) => {
    const url = decodeEntities(href.trim());
    if (!/^https?:\/\//i.test(url) || own.has(url)) return whole;
    return `${start}${quote}${links.click(url).replace(/&/g, "&amp;")}${quote}`;
  });
  const pixel = `<img src="${links.open}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0" />`;
  // a replacer function: the tag keeps its case, and nothing in the pixel is read as a `$` pattern
  return /<\/body>/i.test(tracked) ? tracked.replace(/<\/body>/i, (tag) => pixel + tag) : tracked + pixel;
}

/** A 1×1 transparent GIF, the open pixel's body. */
export const PIXEL_GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");
