import mjml2html from "mjml";
import { AppError } from "../errors";
import { type Block, type DocumentSettings, type EmailDocument, FONT_STACKS, type LeafBlock } from "./document";
import { LiquidVault } from "./liquid-spans";

/**
 * Compiles a visual email document to the HTML every send path reads, through MJML: the document becomes MJML
 * markup, MJML makes the responsive tables (columns that stack on phones, Outlook's conditional comments), and the
 * Liquid is put back afterwards exactly as written. Every piece of text and every attribute value passes through
 * one LiquidVault first, so MJML only ever sees opaque words where the Liquid was.
 *
 * Dark mode: a `color-scheme` meta and a `prefers-color-scheme: dark` block that turns the page and content
 * backgrounds dark and the text light (clients that honour it: Apple Mail, iOS, Outlook for Mac, some Gmail apps).
 */

/** Escapes text for an XML attribute value (MJML's parser); Liquid is already placeholders by then. */
const attr = (value: string) =>
  value
    .replace(/&(?![a-zA-Z]+;|#\d+;|#x[0-9a-fA-F]+;)/g, "&amp;")
    .replace(/"/g, "&quot;")
    .replace(/</g, "&lt;");
/** Escapes plain text (an address, a label) for element content. */
const text = (value: string) => value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** MJML's network names: the "-noshare" ones link to the page itself, not to a "share this" dialog */
const SOCIAL_NAMES: Record<string, string> = {
  facebook: "facebook-noshare",
  x: "x-noshare",
  instagram: "instagram",
  linkedin: "linkedin-noshare",
  youtube: "youtube",
  pinterest: "pinterest-noshare",
  web: "web",
};

class MjmlWriter {
  constructor(
    private readonly vault: LiquidVault,
    private readonly settings: DocumentSettings,
  ) {}

  /** an attribute value with its Liquid set aside */
  private a(value: string): string {
    return attr(this.vault.protect(value));
  }
  /** element text with its Liquid set aside */
  private t(value: string): string {
    return text(this.vault.protect(value));
  }
  /** a raw Liquid tag, set aside like any other */
  private tag(liquid: string): string {
    return `<mj-raw>${this.vault.protect(liquid)}</mj-raw>`;
  }

  private conditional(block: Block | LeafBlock, inner: string): string {
    return block.condition ? `${this.tag(`{% if ${block.condition} %}`)}${inner}${this.tag("{% endif %}")}` : inner;
  }

  /** A block that sits inside a column: MJML content elements. */
  leaf(block: LeafBlock): string {
    return this.conditional(block, this.leafInner(block));
  }

  private leafInner(block: LeafBlock): string {
    switch (block.type) {
      case "text": {
        const html = this.vault.protect(block.html);
        // typed line breaks become <br> unless the text has its own paragraphs or lists
        const body = /<(p|ul|ol)\b/i.test(html) ? html : html.replace(/\r?\n/g, "<br />");
        return `<mj-text align="${block.align}" css-class="cairn-text">${body}</mj-text>`;
      }
      case "image": {
        const width = block.width ? ` width="${block.width}px"` : "";
        const href = block.href ? ` href="${this.a(block.href)}"` : "";
        return `<mj-image src="${this.a(block.src)}" alt="${this.a(block.alt)}"${href}${width} />`;
      }
      case "button":
        return `<mj-button href="${this.a(block.href)}" background-color="${block.background}" color="${block.color}" align="${block.align}">${this.t(block.label)}</mj-button>`;
      case "divider":
        return `<mj-divider border-color="${block.color}" border-width="${block.thickness}px" />`;
      case "spacer":
        return `<mj-spacer height="${block.height}px" />`;
      case "product":
        return this.product(block);
      case "social":
        return `<mj-social mode="horizontal" icon-size="24px">${block.links
          .map(
            (link) =>
              `<mj-social-element name="${SOCIAL_NAMES[link.network]}" href="${this.a(link.href)}"></mj-social-element>`,
          )
          .join("")}</mj-social>`;
      case "footer": {
        const address = block.address ? `${this.t(block.address).replace(/\r?\n/g, "<br />")}<br />` : "";
        return `<mj-text align="center" font-size="12px" css-class="cairn-text cairn-footer">${address}<a href="${this.a(
          "{{ unsubscribe_url }}",
        )}">${this.t(block.unsubscribeLabel)}</a> &middot; <a href="${this.a("{{ preferences_url }}")}">${this.t(
          block.preferencesLabel,
        )}</a></mj-text>`;
      }
      case "partial":
        return `<mj-text css-class="cairn-text">${this.vault.protect(`{% render '${block.name}' %}`)}</mj-text>`;
    }
  }

  private product(block: Extract<LeafBlock, { type: "product" }>): string {
    const one = block.source.kind === "item";
    const v = one ? "product" : "item";
    const card = [
      `<mj-image src="${this.a(`{{ ${v}.image_url }}`)}" alt="${this.a(`{{ ${v}.name }}`)}" href="${this.a(`{{ ${v}.url }}`)}" />`,
      `<mj-text align="center" font-weight="bold" css-class="cairn-text">${this.vault.protect(`{{ ${v}.name }}`)}</mj-text>`,
      block.showPrice
        ? `<mj-text align="center" css-class="cairn-text">${this.vault.protect(`{{ ${v}.price | money: ${v}.currency }}`)}</mj-text>`
        : "",
      `<mj-button href="${this.a(`{{ ${v}.url }}`)}">${this.t(block.buttonLabel)}</mj-button>`,
    ].join("");
    if (block.source.kind === "item")
      return `${this.tag(`{% catalog ${block.catalog} id: ${block.source.id} as product %}`)}${this.tag("{% if product %}")}${card}${this.tag("{% endif %}")}`;
    return `${this.tag(`{% recommend ${block.catalog} ${block.source.strategy} limit: ${block.source.limit} as items %}`)}${this.tag("{% for item in items %}")}${card}${this.tag("{% endfor %}")}`;
  }

  /** A top-level block: a section of the email. */
  section(block: Block): string {
    const open = `<mj-section background-color="${this.settings.contentBackground}" css-class="cairn-content" padding="0 0">`;
    const inner =
      block.type === "columns"
        ? `${open}${block.columns
            .map((column) => `<mj-column>${column.blocks.map((b) => this.leaf(b)).join("")}</mj-column>`)
            .join("")}</mj-section>`
        : `${open}<mj-column>${this.leafInner(block)}</mj-column></mj-section>`;
    return this.conditional(block, inner);
  }
}

/** The MJML for `document`, with its Liquid set aside in `vault` (exported for tests and the MJML export). */
export function documentToMjml(document: EmailDocument, vault: LiquidVault): string {
  const s = document.settings;
  const writer = new MjmlWriter(vault, s);
  const dark = `
    :root { color-scheme: light dark; supported-color-schemes: light dark; }
    @media (prefers-color-scheme: dark) {
      body, .cairn-body { background-color: #111113 !important; }
      .cairn-content, .cairn-content > table, .cairn-content td { background-color: #1c1c1f !important; }
      .cairn-text, .cairn-text div, .cairn-text p, .cairn-text li, .cairn-text span { color: #e7e5e4 !important; }
      .cairn-text a { color: #93c5fd !important; }
    }`;
  return `<mjml>
  <mj-head>
    <mj-raw><meta name="color-scheme" content="light dark" /><meta name="supported-color-schemes" content="light dark" /></mj-raw>
    <mj-attributes>
      <mj-all font-family="${attr(FONT_STACKS[s.font])}" />
      <mj-text color="${s.textColor}" font-size="16px" line-height="1.5" />
      <mj-button background-color="#1f2937" color="#ffffff" font-size="16px" border-radius="6px" />
    </mj-attributes>
    <mj-style>
      a { color: ${s.linkColor}; }
      .cairn-footer a { color: inherit; text-decoration: underline; }
      ${dark}
    </mj-style>
  </mj-head>
  <mj-body background-color="${s.background}" width="${s.width}px" css-class="cairn-body">
    ${document.blocks.map((block) => writer.section(block)).join("\n    ")}
  </mj-body>
</mjml>`;
}

/**
 * The email HTML of `document`, Liquid intact. MJML's own validation problems (which a well-formed document does
 * not produce) fail the compile rather than ship a broken email.
 */
export async function compileDocument(document: EmailDocument): Promise<string> {
  const vault = new LiquidVault();
  const mjml = documentToMjml(document, vault);
  let result: Awaited<ReturnType<typeof mjml2html>>;
  try {
    // fonts: {}: no web-font import (MJML adds Google Fonts for Roboto otherwise), the stacks are system fonts
    result = await mjml2html(mjml, { validationLevel: "strict", keepComments: false, fonts: {} });
  } catch (error) {
    throw AppError.field(
      "content.editor.document",
      `could not be turned into email HTML: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  // MJML indents its output generously; the indentation between tags is a third of the bytes and means nothing
  // to a mail client (text inside blocks collapses whitespace anyway). Liquid is still placeholders here, so its
  // own spacing is untouched.
  const compact = result.html.replace(/\n[ \t]+/g, "\n").replace(/\n{2,}/g, "\n");
  return vault.restore(compact).trim();
}
