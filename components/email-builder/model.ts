import type { Block, BlockType, EmailDocument, LeafBlock } from "@/lib/email-builder/document";

/**
 * The visual editor's operations on a document, as pure functions (the editor keeps each result on its undo
 * stack). Blocks are found by id wherever they are: at the top level or inside a column.
 */

export type { Block, BlockType, EmailDocument, LeafBlock };

export const BLOCK_LABELS: Record<BlockType, string> = {
  text: "Text",
  image: "Image",
  button: "Button",
  columns: "Columns",
  divider: "Divider",
  spacer: "Spacer",
  product: "Product",
  social: "Social links",
  footer: "Footer",
  partial: "Partial",
};
export const PALETTE: BlockType[] = [
  "text",
  "image",
  "button",
  "columns",
  "divider",
  "spacer",
  "product",
  "social",
  "footer",
  "partial",
];
export const LEAF_TYPES = PALETTE.filter((t) => t !== "columns") as Exclude<BlockType, "columns">[];

let counter = 0;
export function newId(): string {
  counter += 1;
  return `b${Date.now().toString(36)}${counter.toString(36)}${Math.random().toString(36).slice(2, 5)}`;
}

/** A new block of `type` with sensible content, ready to edit. */
export function newBlock(type: BlockType): Block {
  const id = newId();
  switch (type) {
    case "text":
      return { id, type, html: 'Hi {{ profile.traits.first_name | default: "there" }},', align: "left" };
    case "image":
      return { id, type, src: "https://placehold.co/600x200/png", alt: "", href: undefined, width: undefined };
    case "button":
      return {
        id,
        type,
        label: "Open",
        href: "https://example.com",
        background: "#1f2937",
        color: "#ffffff",
        align: "center",
      };
    case "columns":
      return {
        id,
        type,
        columns: [{ blocks: [newBlock("text") as LeafBlock] }, { blocks: [newBlock("text") as LeafBlock] }],
      };
    case "divider":
      return { id, type, color: "#e5e7eb", thickness: 1 };
    case "spacer":
      return { id, type, height: 24 };
    case "product":
      return {
        id,
        type,
        catalog: "products",
        source: { kind: "recommend", strategy: "popular", limit: 3 },
        buttonLabel: "Shop now",
        showPrice: true,
      };
    case "social":
      return { id, type, links: [{ network: "web", href: "https://example.com" }] };
    case "footer":
      return {
        id,
        type,
        address: "",
        unsubscribeLabel: "Unsubscribe",
        preferencesLabel: "Email preferences",
      };
    case "partial":
      return { id, type, name: "" };
  }
}

/** The document a new visual email starts from: a greeting, a button and the footer it must have. */
export function starterDocument(): EmailDocument {
  return {
    version: 1,
    settings: {
      background: "#f4f4f5",
      contentBackground: "#ffffff",
      width: 600,
      font: "system",
      textColor: "#1f2937",
      linkColor: "#2563eb",
    },
    blocks: [newBlock("text"), newBlock("button"), newBlock("footer")],
  };
}

/** A copy of `block` with new ids (its column blocks too). */
export function cloneBlock<B extends Block>(block: B): B {
  const copy = structuredClone(block);
  copy.id = newId();
  if (copy.type === "columns") for (const column of copy.columns) for (const inner of column.blocks) inner.id = newId();
  return copy;
}

export function findBlock(document: EmailDocument, id: string): Block | LeafBlock | null {
  for (const block of document.blocks) {
    if (block.id === id) return block;
    if (block.type === "columns")
      for (const column of block.columns) for (const inner of column.blocks) if (inner.id === id) return inner;
  }
  return null;
}

/** The document with the block `id` replaced by `change(block)`. */
export function updateBlock(document: EmailDocument, id: string, change: (block: Block) => Block): EmailDocument {
  return {
    ...document,
    blocks: document.blocks.map((block) => {
      if (block.id === id) return change(block);
      if (block.type !== "columns") return block;
      return {
        ...block,
        columns: block.columns.map((column) => ({
          blocks: column.blocks.map((inner) => (inner.id === id ? (change(inner) as LeafBlock) : inner)),
        })),
      };
    }),
  };
}

export function removeBlock(document: EmailDocument, id: string): EmailDocument {
  return {
    ...document,
    blocks: document.blocks
      .filter((block) => block.id !== id)
      .map((block) =>
        block.type === "columns"
          ? { ...block, columns: block.columns.map((column) => ({ blocks: column.blocks.filter((b) => b.id !== id) })) }
          : block,
      ),
  };
}

/** Inserts a copy of the block `id` right after it. */
export function duplicateBlock(document: EmailDocument, id: string): EmailDocument {
  const at = document.blocks.findIndex((b) => b.id === id);
  if (at >= 0) {
    const blocks = [...document.blocks];
    blocks.splice(at + 1, 0, cloneBlock(blocks[at]));
    return { ...document, blocks };
  }
  return {
    ...document,
    blocks: document.blocks.map((block) =>
      block.type === "columns"
        ? {
            ...block,
            columns: block.columns.map((column) => {
              const i = column.blocks.findIndex((b) => b.id === id);
              if (i < 0) return column;
              const blocks = [...column.blocks];
              blocks.splice(i + 1, 0, cloneBlock(blocks[i]));
              return { blocks };
            }),
          }
        : block,
    ),
  };
}

/** Moves the block `id` one place up (-1) or down (+1) within its list. */
export function moveBlock(document: EmailDocument, id: string, by: -1 | 1): EmailDocument {
  const shift = <T extends { id: string }>(list: T[]): T[] => {
    const i = list.findIndex((b) => b.id === id);
    const j = i + by;
    if (i < 0 || j < 0 || j >= list.length) return list;
    const next = [...list];
    [next[i], next[j]] = [next[j], next[i]];
    return next;
  };
  return {
    ...document,
    blocks: shift(document.blocks).map((block) =>
      block.type === "columns"
        ? { ...block, columns: block.columns.map((column) => ({ blocks: shift(column.blocks) })) }
        : block,
    ),
  };
}

/** Moves the top-level block `id` to position `to` (drag and drop). */
export function moveTo(document: EmailDocument, id: string, to: number): EmailDocument {
  const from = document.blocks.findIndex((b) => b.id === id);
  if (from < 0 || from === to) return document;
  const blocks = [...document.blocks];
  const [moved] = blocks.splice(from, 1);
  blocks.splice(Math.max(0, Math.min(to, blocks.length)), 0, moved);
  return { ...document, blocks };
}

/** Inserts `block` at the top level at `index` (the end when omitted). */
export function insertBlock(document: EmailDocument, block: Block, index = document.blocks.length): EmailDocument {
  const blocks = [...document.blocks];
  blocks.splice(Math.max(0, Math.min(index, blocks.length)), 0, block);
  return { ...document, blocks };
}

/** Adds `block` at the end of column `column` of the columns block `id`. */
export function insertInColumn(document: EmailDocument, id: string, column: number, block: LeafBlock): EmailDocument {
  return updateBlock(document, id, (b) =>
    b.type === "columns"
      ? { ...b, columns: b.columns.map((c, i) => (i === column ? { blocks: [...c.blocks, block] } : c)) }
      : b,
  );
}

/** The path of a block's field as the server names it, e.g. content.editor.document.blocks.3.columns.0.blocks.1.href. */
export function blockPath(document: EmailDocument, id: string): string | null {
  const base = "content.editor.document.blocks";
  for (const [i, block] of document.blocks.entries()) {
    if (block.id === id) return `${base}.${i}`;
    if (block.type === "columns")
      for (const [c, column] of block.columns.entries())
        for (const [j, inner] of column.blocks.entries())
          if (inner.id === id) return `${base}.${i}.columns.${c}.blocks.${j}`;
  }
  return null;
}

/** Wraps the selected part of `value` in `before`/`after` (the rich-text buttons). */
export function wrapSelection(
  value: string,
  start: number,
  end: number,
  before: string,
  after: string,
): { value: string; start: number; end: number } {
  return {
    value: value.slice(0, start) + before + value.slice(start, end) + after + value.slice(end),
    start: start + before.length,
    end: end + before.length,
  };
}
