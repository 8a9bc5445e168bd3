import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { load } from "cheerio";
import { insertBlock, newBlock, starterDocument } from "./model";
import type { VisualEmail } from "./use-visual-email";
import { VisualEmailEditor } from "./visual-editor";

/** The editor as the server renders it first, for a document and the problems the server named. */
function render(errors: Record<string, string>, readOnly = false) {
  let document = starterDocument();
  document = insertBlock(document, newBlock("columns"), 1);
  const visual: VisualEmail = {
    active: true,
    document,
    change: () => {},
    undo: () => {},
    redo: () => {},
    canUndo: false,
    canRedo: false,
    html: "",
    errors,
    compileError: null,
    dirty: false,
    withEditor: (c) => c,
    markSaved: () => {},
    switchToCode: () => "",
  };
  const html = renderToString(
    createElement(VisualEmailEditor, { slug: "w", visual, readOnly, saveErrors: {}, onSwitchToCode: () => {} }),
  );
  return { $: load(html), document };
}

describe("the visual editor's markup", () => {
  it("offers every block in the palette, lists the blocks in order with their columns, and edits the first block's text verbatim", () => {
    const { $, document } = render({});
    expect($('[data-testid^="palette-"]').length).toBe(10);
    expect(
      $('[data-testid="canvas-block"]')
        .map((_, el) => $(el).attr("data-block-type"))
        .get(),
    ).toEqual(["text", "columns", "button", "footer"]);
    expect($('[data-testid="column-block"]').length).toBe(2);
    // the textarea holds the text as typed: straight quotes, Liquid braces, no entities once parsed
    expect($('[data-testid="rich-text"]').text()).toBe((document.blocks[0] as { html: string }).html);
    expect($('[data-testid="drag-handle"]').first().attr("aria-label")).toBe("Move the Text block (block 1 of 4)");
    expect($("button").filter((_, b) => $(b).text().includes("Switch to code")).length).toBe(1);
  });

  it("shows the server's problem under the selected block's field, and document-wide ones on top", () => {
    const { $ } = render({
      "content.editor.document.blocks.0.html": "At most 20,000 characters",
      "content.editor.document.blocks": "Add a footer block (without a condition)",
    });
    expect($('[data-testid="block-properties"] [role="alert"]').text()).toBe("At most 20,000 characters");
    expect($('[data-testid="document-errors"]').text()).toContain("Add a footer block");
  });

  it("read-only: no palette, no handles, no switch to code", () => {
    const { $ } = render({}, true);
    expect($('[data-testid="block-palette"]').length).toBe(0);
    expect($('[data-testid="drag-handle"]').length).toBe(0);
    expect($("button").filter((_, b) => $(b).text().includes("Switch to code")).length).toBe(0);
  });
});
