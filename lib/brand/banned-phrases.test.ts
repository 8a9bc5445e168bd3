import { describe, expect, it } from "vitest";
import { fieldDiff } from "../approvals/field-diff";
import { contentTexts, findBannedPhrases, ZBannedPhrases } from "./banned-phrases";

describe("banned phrases", () => {
  const banned = [{ phrase: "free" }, { phrase: "risk free", reason: "no guarantees" }, { phrase: "100% off!" }];

  it("matches whole words, any case, any whitespace, with offsets; not inside other words", () => {
    const hits = findBannedPhrases(
      [
        { field: "subject", text: "FREE shipping, Risk\n  Free returns" },
        { field: "html", text: "<p>Freedom and carefree days, 100% off!</p>" },
      ],
      banned,
    );
    expect(hits).toEqual([
      { field: "subject", phrase: "free", match: "FREE", start: 0, end: 4 },
      { field: "subject", phrase: "free", match: "Free", start: 22, end: 26 },
      { field: "subject", phrase: "risk free", reason: "no guarantees", match: "Risk\n  Free", start: 15, end: 26 },
      { field: "html", phrase: "100% off!", match: "100% off!", start: 30, end: 39 },
    ]);
  });

  it("reads a template's fields and its translations", () => {
    const texts = contentTexts("push", {
      title: "Hi",
      body: "Body",
      translations: { de: { fields: { title: "Kostenlos free" }, sourceHash: "x", updatedAt: "y" } },
    });
    expect(texts).toEqual([
      { field: "title", text: "Hi" },
      { field: "body", text: "Body" },
      { field: "translations.de.title", text: "Kostenlos free" },
    ]);
    expect(findBannedPhrases(texts, banned).map((h) => h.field)).toEqual(["translations.de.title"]);
  });

  it("the settings' list: limits and duplicates named", () => {
    const result = ZBannedPhrases.safeParse([{ phrase: "Free" }, { phrase: "free " }, { phrase: "x" }]);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["2.phrase", "A banned phrase has at least 2 characters"],
      ["", "Each phrase is listed once"],
    ]);
    const dup = ZBannedPhrases.safeParse([{ phrase: "Free" }, { phrase: "free " }]);
    expect(dup.error?.issues[0].message).toBe("Each phrase is listed once");
  });
});

describe("field diff", () => {
  it("lists changed, added and removed fields in reading order", () => {
    expect(
      fieldDiff(
        { html: "<p>a</p>", subject: "Old", cta: { label: "Go" } },
        { subject: "New", html: "<p>a</p>", preheader: "Pre", cta: {} },
      ),
    ).toEqual([
      { field: "subject", before: "Old", after: "New" },
      { field: "preheader", before: null, after: "Pre" },
      { field: "cta.label", before: "Go", after: null },
    ]);
  });
});
