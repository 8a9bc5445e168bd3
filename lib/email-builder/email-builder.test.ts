import { load } from "cheerio";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { parseLiquid, renderTemplate, SAMPLE_SCOPE } from "../messaging/liquid";
import { compileDocument } from "./compile";
import { DOCUMENT_LIMITS, type EmailDocumentInput, ZEmailDocument } from "./document";
import { LiquidVault } from "./liquid-spans";
import { sanitizeRichText } from "./sanitize";
import { withCompiledHtml } from "./visual-content";

const footer = { id: "foot", type: "footer", address: "Cairn Ltd, 1 Quay St & Co, Bristol" } as const;
const doc = (blocks: unknown[], settings: object = {}): EmailDocumentInput =>
  ({ blocks: [...blocks, footer], settings }) as EmailDocumentInput;
const compile = (blocks: unknown[], settings?: object) => compileDocument(ZEmailDocument.parse(doc(blocks, settings)));

/** The field paths a visual email's content is refused with. */
async function refusal(blocks: unknown[], withFooter = true): Promise<{ path: string; message: string }[]> {
  const document = withFooter ? doc(blocks) : { blocks };
  try {
    await withCompiledHtml("email", { subject: "Hi", html: "", editor: { kind: "visual", document } });
  } catch (error) {
    if (error instanceof AppError) return error.fields;
    throw error;
  }
  throw new Error("the content was accepted");
}

describe("visual email document validation", () => {
  it("names the block and attribute at fault, e.g. content.editor.document.blocks.3.href", async () => {
    const fields = await refusal([
      { id: "a", type: "text", html: "Hello" },
      { id: "b", type: "divider" },
      { id: "c", type: "spacer", height: 20 },
      { id: "d", type: "button", label: "Go", href: "javascript:alert(1)" },
    ]);
    expect(fields).toEqual([
      { path: "content.editor.document.blocks.3.href", message: expect.stringContaining("https://") },
    ]);
  });

  it("names blocks inside columns by column and position", async () => {
    const fields = await refusal([
      {
        id: "cols",
        type: "columns",
        columns: [{ blocks: [] }, { blocks: [{ id: "img", type: "image", src: "data:image/png;base64,AAAA" }] }],
      },
    ]);
    expect(fields.map((f) => f.path)).toEqual(["content.editor.document.blocks.0.columns.1.blocks.0.src"]);
  });

  it("refuses documents beyond the limits: blocks, text length, columns, nesting, unknown block types", async () => {
    const many = Array.from({ length: DOCUMENT_LIMITS.blocks }, (_, i) => ({ id: `s${i}`, type: "spacer" }));
    expect((await refusal(many)).map((f) => f.path)).toEqual(["content.editor.document.blocks"]);
    expect(
      (await refusal([{ id: "t", type: "text", html: "x".repeat(DOCUMENT_LIMITS.textChars + 1) }])).map((f) => f.path),
    ).toEqual(["content.editor.document.blocks.0.html"]);
    const column = { blocks: [] };
    expect(
      (await refusal([{ id: "c", type: "columns", columns: [column, column, column, column] }])).map((f) => f.path),
    ).toEqual(["content.editor.document.blocks.0.columns"]);
    const nested = { id: "inner", type: "columns", columns: [column, column] };
    expect(
      (await refusal([{ id: "c", type: "columns", columns: [{ blocks: [nested] }, column] }])).map((f) => f.path),
    ).toEqual(["content.editor.document.blocks.0.columns.0.blocks.0.type"]);
    expect((await refusal([{ id: "v", type: "video" }])).map((f) => f.path)).toEqual([
      "content.editor.document.blocks.0.type",
    ]);
    expect(
      (
        await refusal([
          { id: "dup", type: "spacer" },
          { id: "dup", type: "divider" },
        ])
      )[0].message,
    ).toMatch(/Two blocks have the id dup/);
  });

  it("requires a footer with the unsubscribe link, outside any condition", async () => {
    const fields = await refusal([{ id: "t", type: "text", html: "Hello" }], false);
    expect(fields).toEqual([{ path: "content.editor.document.blocks", message: expect.stringMatching(/footer/) }]);
    const conditional = await refusal([{ ...footer, condition: "profile.traits.vip" }], false);
    expect(conditional.map((f) => f.path)).toEqual(["content.editor.document.blocks"]);
  });

  it("refuses a condition that carries its own tag braces, and a product expression with braces", async () => {
    const fields = await refusal([
      { id: "t", type: "text", html: "x", condition: "{% if x %}" },
      { id: "p", type: "product", source: { kind: "item", id: "{{ event.properties.sku }}" } },
    ]);
    expect(fields.map((f) => f.path)).toEqual([
      "content.editor.document.blocks.0.condition",
      "content.editor.document.blocks.1.source.id",
    ]);
  });

  it("a layout wraps a visual email: one document, the email's body in the slot, its head styles in the layout's head", async () => {
    const saved = (await withCompiledHtml("email", {
      subject: "Hi",
      html: "",
      layoutId: "0b7f3c1e-8a52-4d7e-9a4e-0c6f1d2b3a4c",
      editor: {
        kind: "visual",
        document: doc([{ id: "a", type: "text", html: "Hello {{ profile.traits.first_name }}" }]),
      },
    })) as { html: string; layoutId: string };
    expect(saved.layoutId).toBe("0b7f3c1e-8a52-4d7e-9a4e-0c6f1d2b3a4c");
    const layoutHtml =
      '<!doctype html><html><head><title>Brand</title><style>.brand{color:#123}</style></head><body><div class="brand">Shop header</div>{{ content }}<p class="legal">Shop Ltd</p></body></html>';
    const html = renderTemplate(
      "email",
      { subject: "Hi", html: saved.html },
      { ...SAMPLE_SCOPE, profile: { ...SAMPLE_SCOPE.profile, traits: { first_name: "Ada" } } },
      { layoutHtml },
    ).fields.html!;
    const $ = load(html);
    // counted in the raw HTML: a parser would quietly merge a nested document
    expect(html.match(/<html[\s>]/gi)).toHaveLength(1);
    expect(html.match(/<body[\s>]/gi)).toHaveLength(1);
    expect($("title").text()).toBe("Brand");
    // the layout's own style, then MJML's responsive styles, all in the one head
    const headStyles = $("head style")
      .map((_, el) => $(el).text())
      .get()
      .join("\n");
    expect(headStyles).toContain(".brand{color:#123}");
    expect(headStyles).toMatch(/@media only screen and \(min-width:\s*480px\)/);
    expect($("body style")).toHaveLength(0);
    // the email's text sits between the layout's header and legal line, rendered
    const text = $("body").text().replace(/\s+/g, " ");
    expect(text.indexOf("Shop header")).toBeLessThan(text.indexOf("Hello Ada"));
    expect(text.indexOf("Hello Ada")).toBeLessThan(text.indexOf("Shop Ltd"));
  });

  it("a code email's fragment goes into the layout as it is", () => {
    const html = renderTemplate("email", { subject: "Hi", html: "<p>Body</p>" }, SAMPLE_SCOPE, {
      layoutHtml: "<html><head></head><body><header>H</header>{{ content }}</body></html>",
    }).fields.html;
    expect(html).toBe("<html><head></head><body><header>H</header><p>Body</p></body></html>");
  });

  it("leaves code emails and other channels untouched", async () => {
    const code = { subject: "Hi", html: "<p>{{ x }}</p>" };
    expect(await withCompiledHtml("email", code)).toBe(code);
    const sms = { body: "hi", editor: "whatever" };
    expect(await withCompiledHtml("sms", sms)).toBe(sms);
  });
});

describe("rich text sanitizing", () => {
  it("removes scripts, event handlers, javascript: links and unknown elements, keeping their safe text", () => {
    const dirty =
      'Hi <script>alert(1)</script><b onclick="x()">bold</b> <img src=x onerror=alert(1)><a href="javascript:alert(1)">link</a> <div>kept text</div><style>p{}</style><!-- c -->';
    expect(sanitizeRichText(dirty)).toBe("Hi <b>bold</b> <a>link</a> kept text");
  });

  it("keeps safe links, a limited style subset and lists; escapes stray angle brackets", () => {
    expect(
      sanitizeRichText(
        '<p style="text-align: center; position: fixed">a < b</p><ul><li><a href="https://x.test/?a=1&b=2" target="_blank">x</a></li></ul><span style="color: #ff0000; background: url(x)">r</span>',
      ),
    ).toBe(
      '<p style="text-align: center">a &lt; b</p><ul><li><a href="https://x.test/?a=1&b=2" target="_blank" rel="noopener">x</a></li></ul><span style="color: #ff0000">r</span>',
    );
  });

  it("keeps Liquid verbatim, quotes and all, in text and in link addresses; is idempotent", () => {
    const rich =
      'Hi {{ profile.traits.first_name | default: "there" }}, <a href="{{ event.properties.url | append: "?ref=mail" }}">see {{ "it" | upcase }}</a>{% if profile.traits.vip %} <b>VIP</b>{% endif %}';
    expect(sanitizeRichText(rich)).toBe(rich);
    expect(sanitizeRichText(sanitizeRichText(rich))).toBe(rich);
  });

  it("never restores text that merely looks like a placeholder", () => {
    const vault = new LiquidVault();
    const lookalike = "cairnlqabcdefghn0x and {{ x }}";
    expect(vault.restore(vault.protect(lookalike))).toBe(lookalike);
  });
});

describe("compiling a visual email with MJML", () => {
  it("makes a responsive email: the button links to the Liquid expression, columns become MJML columns, a footer with the unsubscribe and preferences links", async () => {
    const html = await compile([
      { id: "t", type: "text", html: "<p>Hello</p>" },
      { id: "b", type: "button", label: "Track your order", href: "{{ event.properties.tracking_url }}" },
      {
        id: "c",
        type: "columns",
        columns: [
          { blocks: [{ id: "l", type: "text", html: "left" }] },
          { blocks: [{ id: "r", type: "text", html: "right" }] },
        ],
      },
    ]);
    const $ = load(html);
    const button = $("a").filter((_, a) => $(a).text().trim() === "Track your order");
    expect(button.attr("href")).toBe("{{ event.properties.tracking_url }}");
    const columns = $("div.mj-column-per-50");
    expect(columns).toHaveLength(2);
    expect(columns.eq(0).find("table").length).toBeGreaterThan(0);
    expect(columns.eq(0).text()).toContain("left");
    expect(columns.eq(1).text()).toContain("right");
    // phones: columns stack below 480 px (MJML's breakpoint), side by side above
    expect($("style").text()).toMatch(/@media only screen and \(min-width:480px\)[\s\S]*\.mj-column-per-50/);
    const footerLinks = $(".cairn-footer a");
    expect(footerLinks.map((_, a) => $(a).attr("href")).get()).toEqual([
      "{{ unsubscribe_url }}",
      "{{ preferences_url }}",
    ]);
    expect($(".cairn-footer").text()).toContain("1 Quay St & Co, Bristol");
  });

  it("declares light and dark colour schemes and a prefers-color-scheme: dark block", async () => {
    const $ = load(await compile([{ id: "t", type: "text", html: "x" }], { width: 640, background: "#eeeeee" }));
    expect($('meta[name="color-scheme"]').attr("content")).toBe("light dark");
    const css = $("style").text();
    expect(css).toMatch(/@media \(prefers-color-scheme: dark\)\s*\{[\s\S]*\.cairn-content[\s\S]*background-color/);
    expect($("body").attr("style")).toContain("background-color:#eeeeee");
    expect($(".cairn-content").first().attr("style")).toContain("max-width:640px");
    expect(css).not.toContain("fonts.googleapis.com");
  });

  it("round-trips Liquid exactly: conditions around blocks, filters with quoted arguments, tags in href, src and alt", async () => {
    const text = `Hi {{ profile.traits.first_name | default: "there" }} & {{ 'friend' | upcase }}, it's {{ event.properties.at | date_in_zone: profile.timezone, "%b %d" }}`;
    const html = await compile([
      { id: "t", type: "text", html: text, condition: 'profile.traits.plan == "pro"' },
      {
        id: "i",
        type: "image",
        src: "https://cdn.example/{{ profile.traits.plan | default: 'free' }}.png",
        alt: '{{ event.properties.name | default: "Your order" }}',
        href: "{% if profile.traits.vip %}https://vip.example{% else %}https://example.com{% endif %}",
      },
      { id: "b", type: "button", label: "Go", href: '{{ event.properties.url | append: "?utm=a&b=c" }}' },
    ]);
    for (const liquid of [
      text,
      '{% if profile.traits.plan == "pro" %}',
      "{% endif %}",
      "https://cdn.example/{{ profile.traits.plan | default: 'free' }}.png",
      'alt="{{ event.properties.name | default: "Your order" }}"',
      'href="{% if profile.traits.vip %}https://vip.example{% else %}https://example.com{% endif %}"',
      'href="{{ event.properties.url | append: "?utm=a&b=c" }}"',
    ])
      expect(html).toContain(liquid);
    // nothing inside any Liquid span was escaped or curled
    for (const span of html.match(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g) ?? []) {
      expect(span).not.toMatch(/&quot;|&#34;|&amp;|&#39;|[\u2018\u2019\u201c\u201d]/);
    }
    expect(html).not.toMatch(/cairnlq/);
    // and it is Liquid the engine parses and renders for a person
    expect(parseLiquid(html).ok).toBe(true);
    const scope = {
      ...SAMPLE_SCOPE,
      profile: { ...SAMPLE_SCOPE.profile, traits: { first_name: "Ada", plan: "pro", vip: true } },
    };
    const rendered = renderTemplate("email", { subject: "s", html }, scope).fields.html;
    expect(rendered).toContain("Hi Ada & FRIEND");
    expect(rendered).toContain("https://cdn.example/pro.png");
    expect(rendered).toContain('href="https://vip.example"');
    const freeScope = {
      ...SAMPLE_SCOPE,
      profile: { ...SAMPLE_SCOPE.profile, traits: { first_name: "Ada", plan: "free" } },
    };
    const free = renderTemplate("email", { subject: "s", html }, freeScope).fields.html;
    expect(free).not.toContain("Hi Ada");
    expect(free).toContain('href="https://example.com"');
  });

  it("writes the product block as a catalog lookup or a recommendation loop over the item fields", async () => {
    const one = await compile([{ id: "p", type: "product", source: { kind: "item", id: "event.properties.sku" } }]);
    expect(one).toContain("{% catalog products id: event.properties.sku as product %}");
    expect(one).toContain("{% if product %}");
    const $ = load(one);
    expect($("img").first().attr("src")).toBe("{{ product.image_url }}");
    expect(one).toContain("{{ product.price | money: product.currency }}");
    expect(
      $("a")
        .filter((_, a) => $(a).text().trim() === "Shop now")
        .attr("href"),
    ).toBe("{{ product.url }}");

    const recs = await compile([
      {
        id: "p",
        type: "product",
        catalog: "shoes",
        source: { kind: "recommend", strategy: "bought_together", limit: 4 },
        buttonLabel: "View",
        showPrice: false,
      },
    ]);
    expect(recs).toContain("{% recommend shoes bought_together limit: 4 as items %}");
    expect(recs.indexOf("{% for item in items %}")).toBeLessThan(recs.indexOf("{{ item.name }}"));
    expect(recs.indexOf("{{ item.name }}")).toBeLessThan(recs.indexOf("{% endfor %}"));
    expect(recs).not.toContain("money");
  });

  it("includes a workspace partial by name and social links", async () => {
    const html = await compile([
      { id: "p", type: "partial", name: "brand-header" },
      {
        id: "s",
        type: "social",
        links: [
          { network: "facebook", href: "https://facebook.com/cairn" },
          { network: "web", href: "{{ profile.traits.site }}" },
        ],
      },
    ]);
    expect(html).toContain("{% render 'brand-header' %}");
    const hrefs = load(html)("a")
      .map((_, a) => load(html)(a).attr("href"))
      .get();
    expect(hrefs).toEqual(expect.arrayContaining(["https://facebook.com/cairn", "{{ profile.traits.site }}"]));
  });

  it("compiles sanitized text: a script typed into a text block never reaches the HTML", async () => {
    const html = await compile([
      { id: "t", type: "text", html: 'ok<script>alert(1)</script><a href="javascript:x">y</a>' },
    ]);
    expect(html).not.toMatch(/alert\(1\)|javascript:/);
    expect(load(html)(".cairn-text").first().text()).toContain("oky");
  });
});
