import { describe, expect, it } from "vitest";
import { compileDocument } from "@/lib/email-builder/compile";
import { ZEmailDocument } from "@/lib/email-builder/document";
import {
  blockPath,
  duplicateBlock,
  insertBlock,
  insertInColumn,
  type LeafBlock,
  moveBlock,
  moveTo,
  newBlock,
  PALETTE,
  removeBlock,
  starterDocument,
  updateBlock,
  wrapSelection,
} from "./model";
import { forceDarkScheme } from "./preview-modes";

describe("the visual editor's document operations", () => {
  it("every new block but an unchosen partial is a valid block, and the starter document compiles", async () => {
    let document = starterDocument();
    for (const type of PALETTE) document = insertBlock(document, newBlock(type));
    const parsed = ZEmailDocument.safeParse(document);
    expect(parsed.success).toBe(false);
    // only the partial block, whose partial is still to be chosen
    expect(parsed.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      [`blocks.${document.blocks.length - 1}.name`, "Choose a partial"],
    ]);
    const starter = ZEmailDocument.parse(starterDocument());
    expect(await compileDocument(starter)).toContain('{{ profile.traits.first_name | default: "there" }}');
  });

  it("moves, duplicates, removes and edits blocks at the top level and inside columns; paths name them as the server does", () => {
    const base = starterDocument();
    const [text, button, footer] = base.blocks;
    const columns = newBlock("columns");
    let document = insertBlock(base, columns, 1);
    expect(document.blocks.map((b) => b.id)).toEqual([text.id, columns.id, button.id, footer.id]);
    expect(moveTo(document, footer.id, 0).blocks[0].id).toBe(footer.id);
    expect(moveBlock(document, text.id, 1).blocks.map((b) => b.id)).toEqual([
      columns.id,
      text.id,
      button.id,
      footer.id,
    ]);
    expect(moveBlock(document, text.id, -1)).toEqual(document);

    const image = newBlock("image") as LeafBlock;
    document = insertInColumn(document, columns.id, 1, image);
    expect(blockPath(document, image.id)).toBe("content.editor.document.blocks.1.columns.1.blocks.1");
    expect(blockPath(document, button.id)).toBe("content.editor.document.blocks.2");
    document = updateBlock(document, image.id, (b) => ({ ...b, alt: "{{ product.name }}" }) as typeof b);
    document = duplicateBlock(document, image.id);
    const column = (document.blocks[1] as Extract<typeof columns, { type: "columns" }>).columns[1].blocks;
    expect(column).toHaveLength(3);
    expect(column[2]).toMatchObject({ type: "image", alt: "{{ product.name }}" });
    expect(column[2].id).not.toBe(image.id);
    document = removeBlock(document, image.id);
    expect(blockPath(document, image.id)).toBeNull();
    expect(ZEmailDocument.safeParse(document).success).toBe(true);
  });

  it("the rich-text buttons wrap the selection and leave Liquid and straight quotes as typed", () => {
    const typed = 'Hi {{ profile.traits.first_name | default: "there" }}, it\'s here';
    const start = typed.indexOf("{{");
    const end = typed.indexOf("}}") + 2;
    const bold = wrapSelection(typed, start, end, "<b>", "</b>");
    expect(bold.value).toBe('Hi <b>{{ profile.traits.first_name | default: "there" }}</b>, it\'s here');
    expect(bold.value.slice(bold.start, bold.end)).toBe(typed.slice(start, end));
    expect(bold.value).not.toMatch(/[\u2018\u2019\u201c\u201d]/);
  });

  it("dark preview switches the email's own dark-scheme styles on", () => {
    const html =
      "<html><head><style>@media (prefers-color-scheme: dark) { body { background: #111 } }</style></head><body></body></html>";
    const dark = forceDarkScheme(html);
    expect(dark).toContain("@media (min-width: 0px) { body { background: #111 } }");
    expect(dark).toContain('<head><meta name="color-scheme" content="dark" />');
  });
});
