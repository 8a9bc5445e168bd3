import { LiquidVault } from "./liquid-spans";

/**
 * The rich text a text block may hold: inline formatting, links, paragraphs and lists, nothing that runs or
 * restyles the page. Anything else is removed (its text kept, except for elements whose content is code or
 * styling: script, style and the like go whole). Liquid is set aside first and put back untouched, so a sanitizer
 * that rewrites markup can never rewrite `{{ … }}`.
 */

const ALLOWED_TAGS = new Set(["b", "strong", "i", "em", "u", "a", "br", "p", "ul", "ol", "li", "span"]);
/** elements dropped with everything inside them */
const DROPPED_WITH_CONTENT = new Set([
  "script",
  "style",
  "title",
  "textarea",
  "noscript",
  "template",
  "iframe",
  "object",
  "embed",
  "svg",
  "math",
  "head",
  "select",
  "xmp",
]);
/** CSS properties a span or paragraph may set, each with the values it accepts */
const STYLE_RULES: Record<string, RegExp> = {
  color: /^#[0-9a-f]{3}(?:[0-9a-f]{3})?$/i,
  "background-color": /^#[0-9a-f]{3}(?:[0-9a-f]{3})?$/i,
  "font-weight": /^(?:normal|bold|[1-9]00)$/,
  "font-style": /^(?:normal|italic)$/,
  "text-decoration": /^(?:none|underline|line-through)$/,
  "font-size": /^(?:[89]|[1-6]\d|7[0-2])px$/,
  "text-align": /^(?:left|right|center|justify)$/,
};

/** A link a person may follow: http(s), mailto, tel, a page anchor, or one that a Liquid expression writes. */
export function isSafeHref(value: string, vault?: LiquidVault): boolean {
  const v = value.trim();
  if (vault?.startsWithPlaceholder(v)) return true;
  return /^(?:https?:\/\/\S|mailto:\S|tel:[+\d(])/i.test(v) || /^#[\w-]*$/.test(v);
}

const escapeAttribute = (value: string) => value.replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function cleanStyle(style: string): string {
  return style
    .split(";")
    .flatMap((declaration) => {
      const colon = declaration.indexOf(":");
      if (colon < 0) return [];
      const property = declaration.slice(0, colon).trim().toLowerCase();
      const value = declaration.slice(colon + 1).trim();
      return STYLE_RULES[property]?.test(value) ? [`${property}: ${value}`] : [];
    })
    .join("; ");
}

function attributesOf(source: string): Map<string, string> {
  const attributes = new Map<string, string>();
  const pattern = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (const m of source.matchAll(pattern)) {
    const name = m[1].toLowerCase();
    if (!attributes.has(name)) attributes.set(name, m[2] ?? m[3] ?? m[4] ?? "");
  }
  return attributes;
}

/** Sanitizes `html` whose Liquid `vault` has already set aside (placeholders in, placeholders out). */
export function sanitizeProtected(html: string, vault: LiquidVault): string {
  const out: string[] = [];
  let dropping: string | null = null;
  const token = /<!--[\s\S]*?(?:-->|$)|<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:[^<>"']|"[^"]*"|'[^']*')*)>|<|>/g;
  let last = 0;
  for (const m of html.matchAll(token)) {
    const text = html.slice(last, m.index);
    if (!dropping) out.push(text);
    last = m.index + m[0].length;
    if (m[0] === "<") {
      if (!dropping) out.push("&lt;");
      continue;
    }
    if (m[0] === ">") {
      if (!dropping) out.push("&gt;");
      continue;
    }
    if (m[2] === undefined) continue; // a comment
    const closing = m[1] === "/";
    const tag = m[2].toLowerCase();
    if (dropping) {
      if (closing && tag === dropping) dropping = null;
      continue;
    }
    if (DROPPED_WITH_CONTENT.has(tag)) {
      if (!closing && !/\/\s*$/.test(m[3])) dropping = tag;
      continue;
    }
    if (!ALLOWED_TAGS.has(tag)) continue;
    if (closing) {
      if (tag !== "br") out.push(`</${tag}>`);
      continue;
    }
    if (tag === "br") {
      out.push("<br />");
      continue;
    }
    const attributes = attributesOf(m[3]);
    let kept = "";
    if (tag === "a") {
      const href = attributes.get("href");
      if (href !== undefined && isSafeHref(href, vault)) kept += ` href="${escapeAttribute(href.trim())}"`;
      if (attributes.get("target") === "_blank") kept += ' target="_blank" rel="noopener"';
    }
    const style = attributes.get("style");
    if (style !== undefined && (tag === "span" || tag === "p" || tag === "a")) {
      const clean = cleanStyle(style);
      if (clean) kept += ` style="${escapeAttribute(clean)}"`;
    }
    out.push(`<${tag}${kept}>`);
  }
  if (!dropping) out.push(html.slice(last));
  return out.join("");
}

/** Sanitizes a text block's rich text, keeping its Liquid exactly as written. */
export function sanitizeRichText(html: string): string {
  const vault = new LiquidVault();
  return vault.restore(sanitizeProtected(vault.protect(html), vault));
}
