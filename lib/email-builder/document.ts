import { z } from "zod";
import { hasLiquid } from "./liquid-spans";
import { isSafeHref, sanitizeRichText } from "./sanitize";

/**
 * The visual email document: settings and a list of blocks, some of which (columns) hold blocks of their own.
 * It is stored with the template's content (`content.editor.document`) and compiled to the `html` every send path
 * reads (compile.ts). Liquid may appear in any text and in the href, src and alt attributes; it is kept verbatim.
 * Validation names the block by its path, e.g. `content.editor.document.blocks.3.href`.
 */

export const DOCUMENT_LIMITS = {
  /** blocks in the whole document, those inside columns included */
  blocks: 100,
  blocksPerColumn: 10,
  textChars: 20_000,
  labelChars: 200,
  urlChars: 2_000,
  altChars: 300,
  conditionChars: 500,
  socialLinks: 8,
  addressChars: 1_000,
} as const;

export const FONT_STACKS = {
  system: "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
  helvetica: "Helvetica, Arial, sans-serif",
  georgia: "Georgia, 'Times New Roman', serif",
  verdana: "Verdana, Geneva, sans-serif",
  courier: "'Courier New', Courier, monospace",
} as const;
export type FontName = keyof typeof FONT_STACKS;

export const RECOMMEND_STRATEGIES = [
  "viewed_together",
  "bought_together",
  "popular_in_category",
  "recently_viewed",
  "popular",
] as const;

export const SOCIAL_NETWORKS = ["facebook", "x", "instagram", "linkedin", "youtube", "pinterest", "web"] as const;

const ZColor = z
  .string({ error: "Choose a colour" })
  .trim()
  .regex(/^#[0-9a-fA-F]{6}$/, "A colour is written #rrggbb, e.g. #1f2937");

/** A link: http(s), mailto, tel, an anchor, or Liquid that writes one (`{{ unsubscribe_url }}`, `{{ product.url }}`). */
const ZHref = z
  .string({ error: "Write a link" })
  .trim()
  .min(1, "Write a link")
  .max(DOCUMENT_LIMITS.urlChars, `At most ${DOCUMENT_LIMITS.urlChars.toLocaleString("en-US")} characters`)
  .refine(
    (v) => /^(?:\{\{|\{%)/.test(v) || isSafeHref(v),
    "Must be an https://, http://, mailto: or tel: link, or Liquid such as {{ event.properties.url }}",
  );
const ZImageSrc = z
  .string({ error: "Give the image's address" })
  .trim()
  .min(1, "Give the image's address")
  .max(DOCUMENT_LIMITS.urlChars, `At most ${DOCUMENT_LIMITS.urlChars.toLocaleString("en-US")} characters`)
  .refine(
    (v) => /^(?:\{\{|\{%)/.test(v) || /^https?:\/\/\S+$/i.test(v.replace(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g, "x")),
    "Must be an https:// address (or Liquid that writes one): mail clients load images from the web",
  );
const optionalHref = z.preprocess((v) => (v === "" ? undefined : v), ZHref.optional());
const label = (what: string) =>
  z
    .string({ error: `Write ${what}` })
    .trim()
    .min(1, `Write ${what}`)
    .max(DOCUMENT_LIMITS.labelChars, `At most ${DOCUMENT_LIMITS.labelChars} characters`);

/**
 * A Liquid condition that shows a block only when it holds, e.g. `profile.traits.plan == "pro"`: the block is
 * compiled inside `{% if … %}…{% endif %}`. The expression alone, without the tag's own braces.
 */
const ZCondition = z.preprocess(
  (v) => (typeof v === "string" && !v.trim() ? undefined : v),
  z
    .string()
    .trim()
    .max(DOCUMENT_LIMITS.conditionChars, `At most ${DOCUMENT_LIMITS.conditionChars} characters`)
    .refine((v) => !/[{}%]/.test(v) && !/[\r\n]/.test(v), 'Write only the condition, e.g. profile.traits.plan == "pro"')
    .optional(),
);

const blockBase = {
  id: z
    .string({ error: "A block needs an id" })
    .regex(/^[A-Za-z0-9_-]{1,40}$/, "A block id has letters, digits, - and _ (at most 40)"),
  condition: ZCondition,
};

const ZTextBlock = z
  .object({
    ...blockBase,
    type: z.literal("text"),
    html: z
      .string({ error: "Write the text" })
      .max(DOCUMENT_LIMITS.textChars, `At most ${DOCUMENT_LIMITS.textChars.toLocaleString("en-US")} characters`)
      .transform(sanitizeRichText),
    align: z.enum(["left", "center", "right"]).default("left"),
  })
  .strict();

const ZImageBlock = z
  .object({
    ...blockBase,
    type: z.literal("image"),
    src: ZImageSrc,
    alt: z.string().trim().max(DOCUMENT_LIMITS.altChars, `At most ${DOCUMENT_LIMITS.altChars} characters`).default(""),
    href: optionalHref,
    width: z
      .number({ error: "A width is a number of pixels" })
      .int("A width is a whole number of pixels")
      .min(20, "At least 20 px")
      .max(800, "At most 800 px")
      .optional(),
  })
  .strict();

const ZButtonBlock = z
  .object({
    ...blockBase,
    type: z.literal("button"),
    label: label("the button's label"),
    href: ZHref,
    background: ZColor.default("#1f2937"),
    color: ZColor.default("#ffffff"),
    align: z.enum(["left", "center", "right"]).default("center"),
  })
  .strict();

const ZDividerBlock = z
  .object({
    ...blockBase,
    type: z.literal("divider"),
    color: ZColor.default("#e5e7eb"),
    thickness: z.number().int().min(1, "At least 1 px").max(10, "At most 10 px").default(1),
  })
  .strict();

const ZSpacerBlock = z
  .object({
    ...blockBase,
    type: z.literal("spacer"),
    height: z.number().int().min(4, "At least 4 px").max(200, "At most 200 px").default(24),
  })
  .strict();

/** A Liquid expression naming the product, e.g. event.properties.sku (no braces: the tag is written around it). */
const ZExpression = z
  .string({ error: "Write the expression, e.g. event.properties.sku" })
  .trim()
  .min(1, "Write the expression, e.g. event.properties.sku")
  .max(200, "At most 200 characters")
  .refine((v) => !/[{}%]/.test(v) && !/[\r\n]/.test(v), "Write the expression alone, e.g. event.properties.sku");

/**
 * Products from a catalog: one item by id (`{% catalog products id: <expr> as product %}`) or recommendations
 * (`{% recommend products <strategy> limit: N as items %}` and a loop); each shows image, name, price and a button.
 */
const ZProductBlock = z
  .object({
    ...blockBase,
    type: z.literal("product"),
    catalog: z
      .string()
      .regex(/^[a-z0-9_]{1,60}$/, "A catalog key has lower-case letters, digits and _")
      .default("products"),
    source: z.discriminatedUnion(
      "kind",
      [
        z.object({ kind: z.literal("item"), id: ZExpression }).strict(),
        z
          .object({
            kind: z.literal("recommend"),
            strategy: z.enum(RECOMMEND_STRATEGIES, { error: `must be one of ${RECOMMEND_STRATEGIES.join(", ")}` }),
            limit: z.number().int().min(1, "At least 1").max(8, "At most 8 products").default(3),
          })
          .strict(),
      ],
      { error: "must be item (one product by id) or recommend" },
    ),
    buttonLabel: label("the button's label").default("Shop now"),
    showPrice: z.boolean().default(true),
  })
  .strict();

const ZSocialBlock = z
  .object({
    ...blockBase,
    type: z.literal("social"),
    links: z
      .array(
        z
          .object({
            network: z.enum(SOCIAL_NETWORKS, { error: `must be one of ${SOCIAL_NETWORKS.join(", ")}` }),
            href: ZHref,
          })
          .strict(),
      )
      .min(1, "Add a link")
      .max(DOCUMENT_LIMITS.socialLinks, `At most ${DOCUMENT_LIMITS.socialLinks} links`),
  })
  .strict();

/** The footer every visual email ends with: who sends it, and the unsubscribe and preferences links. */
const ZFooterBlock = z
  .object({
    ...blockBase,
    type: z.literal("footer"),
    address: z
      .string()
      .trim()
      .max(DOCUMENT_LIMITS.addressChars, `At most ${DOCUMENT_LIMITS.addressChars.toLocaleString("en-US")} characters`)
      .default(""),
    unsubscribeLabel: label("the unsubscribe link's text").default("Unsubscribe"),
    preferencesLabel: label("the preferences link's text").default("Email preferences"),
  })
  .strict();

/** A workspace partial, included by name (`{% render 'name' %}`); the save checks that it exists. */
const ZPartialBlock = z
  .object({
    ...blockBase,
    type: z.literal("partial"),
    name: z.string({ error: "Choose a partial" }).regex(/^[a-z0-9][a-z0-9_-]{0,59}$/, "Choose a partial"),
  })
  .strict();

const LEAF_BLOCKS = [
  ZTextBlock,
  ZImageBlock,
  ZButtonBlock,
  ZDividerBlock,
  ZSpacerBlock,
  ZProductBlock,
  ZSocialBlock,
  ZFooterBlock,
  ZPartialBlock,
] as const;
const BLOCK_TYPES_HINT = "text, image, button, columns, divider, spacer, product, social, footer or partial";

export const ZLeafBlock = z.discriminatedUnion("type", LEAF_BLOCKS, {
  error: `A block inside a column is one of ${BLOCK_TYPES_HINT.replace("columns, ", "")}`,
});

/** Two or three columns side by side on wide screens, stacked on phones; columns cannot hold columns. */
const ZColumnsBlock = z
  .object({
    ...blockBase,
    type: z.literal("columns"),
    columns: z
      .array(
        z
          .object({
            blocks: z
              .array(ZLeafBlock)
              .max(DOCUMENT_LIMITS.blocksPerColumn, `At most ${DOCUMENT_LIMITS.blocksPerColumn} blocks in a column`),
          })
          .strict(),
      )
      .min(2, "At least 2 columns")
      .max(3, "At most 3 columns"),
  })
  .strict();

export const ZBlock = z.discriminatedUnion("type", [...LEAF_BLOCKS, ZColumnsBlock], {
  error: `A block is one of ${BLOCK_TYPES_HINT}`,
});

export const ZDocumentSettings = z
  .object({
    background: ZColor.default("#f4f4f5"),
    contentBackground: ZColor.default("#ffffff"),
    width: z.number().int().min(480, "At least 480 px").max(800, "At most 800 px").default(600),
    font: z.enum(Object.keys(FONT_STACKS) as [FontName, ...FontName[]]).default("system"),
    textColor: ZColor.default("#1f2937"),
    linkColor: ZColor.default("#2563eb"),
  })
  .strict();

export const ZEmailDocument = z
  .object({
    version: z.literal(1, { error: "must be 1" }).default(1),
    settings: ZDocumentSettings.default(() => ZDocumentSettings.parse({})),
    blocks: z.array(ZBlock).max(DOCUMENT_LIMITS.blocks, `At most ${DOCUMENT_LIMITS.blocks} blocks`),
  })
  .strict()
  .superRefine((document, ctx) => {
    const all = document.blocks.flatMap((b) =>
      b.type === "columns" ? [b, ...b.columns.flatMap((c) => c.blocks)] : [b],
    );
    if (all.length > DOCUMENT_LIMITS.blocks)
      ctx.addIssue({ code: "custom", path: ["blocks"], message: `At most ${DOCUMENT_LIMITS.blocks} blocks in all` });
    const seen = new Set<string>();
    for (const block of all) {
      if (seen.has(block.id)) {
        ctx.addIssue({ code: "custom", path: ["blocks"], message: `Two blocks have the id ${block.id}` });
        break;
      }
      seen.add(block.id);
    }
    // the unsubscribe link is not optional in a marketing email (and a visual email is one): a footer block
    // carries it, outside any condition so every recipient gets it
    if (!document.blocks.some((b) => b.type === "footer" && !b.condition))
      ctx.addIssue({
        code: "custom",
        path: ["blocks"],
        message: "Add a footer block (without a condition): it carries the unsubscribe and preferences links",
      });
  });

/** The editor a template's email content was made in: present only for visual emails (code emails have none). */
export const ZEmailEditor = z.object({ kind: z.literal("visual"), document: ZEmailDocument }).strict();

export type EmailDocument = z.output<typeof ZEmailDocument>;
export type EmailDocumentInput = z.input<typeof ZEmailDocument>;
export type Block = z.output<typeof ZBlock>;
export type LeafBlock = z.output<typeof ZLeafBlock>;
export type BlockType = Block["type"];
export type DocumentSettings = z.output<typeof ZDocumentSettings>;

/** Whether any text of the document uses Liquid (the editor shows a hint when none does). */
export const documentUsesLiquid = (document: EmailDocument): boolean => hasLiquid(JSON.stringify(document));
