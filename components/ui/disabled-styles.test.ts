/**
 * Disabled fields and buttons look disabled: dimmed, on grey, with a not-allowed cursor (Tailwind's disabled:
 * variants on the shared controls), in every button variant and on every field kind.
 */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Button } from "./button";
import { SelectField, TextField } from "./field";

const classOf = (html: string, tag: string) => new RegExp(`<${tag}[^>]*class="([^"]*)"`).exec(html)?.[1] ?? "";
const looksDisabled = (classes: string) => {
  expect(classes).toContain("disabled:cursor-not-allowed");
  expect(classes).toMatch(/disabled:opacity-\d+/);
  expect(classes).toMatch(/disabled:bg-stone-\d+/);
};

describe("disabled controls", () => {
  it("text and select fields are grey, dimmed and not-allowed when disabled", () => {
    looksDisabled(classOf(renderToStaticMarkup(createElement(TextField, { label: "Name", disabled: true })), "input"));
    looksDisabled(
      classOf(
        renderToStaticMarkup(
          createElement(SelectField, { label: "Plan", disabled: true }, createElement("option", null, "Free")),
        ),
        "select",
      ),
    );
  });

  it.each(["primary", "secondary", "danger"] as const)(
    "a %s button is grey, dimmed and not-allowed when disabled",
    (variant) => {
      looksDisabled(
        classOf(renderToStaticMarkup(createElement(Button, { variant, disabled: true }, "Save")), "button"),
      );
    },
  );

  it("a ghost button dims and stops reacting to hover", () => {
    const classes = classOf(
      renderToStaticMarkup(createElement(Button, { variant: "ghost", disabled: true }, "Undo")),
      "button",
    );
    expect(classes).toContain("disabled:cursor-not-allowed");
    expect(classes).toMatch(/disabled:opacity-\d+/);
    expect(classes).toContain("disabled:hover:bg-transparent");
  });
});
