import { describe, expect, it } from "vitest";
import { checkImport, exportUnits, liquidProblem, readExchange, writeJson, writeXliff } from "./exchange";

const HTML =
  '<p>Hi {{ profile.traits.first_name | default: "there" }} &amp; friends,</p>\n  <a href="https://shop.example/{{ profile.userId }}?a=1&amp;b={{ event.properties.id | url_encode }}" title=\'{{ "x" }}\'>Shop</a>{% if profile.traits.vip %} <b>VIP</b>{% endif %}';
const content = {
  subject: "Hello {{ profile.traits.first_name }} <3 & more",
  html: HTML,
  layoutId: "not translated",
  translations: {
    de: { fields: { subject: "Hallo {{ profile.traits.first_name }}" }, sourceHash: "h", updatedAt: "" },
  },
};
const file = (target?: (source: string) => string) => ({
  fileId: "t1@abc",
  sourceLocale: "en",
  targetLocale: "de",
  units: exportUnits("email", content, "de").map((u) => (target ? { ...u, target: target(u.source) } : u)),
});

describe("translation files", () => {
  it("exports one unit per translatable field, with the locale's translation as the target", () => {
    expect(exportUnits("email", content, "de")).toEqual([
      { id: "subject", source: content.subject, target: "Hallo {{ profile.traits.first_name }}" },
      { id: "html", source: HTML, target: "" },
    ]);
  });

  it.each([
    ["XLIFF 2.0", (f: ReturnType<typeof file>) => writeXliff(f, "2.0")],
    ["XLIFF 1.2", (f: ReturnType<typeof file>) => writeXliff(f, "1.2")],
    ["JSON", writeJson],
  ])("%s round-trips Liquid, HTML, entities, quotes in attributes and whitespace exactly", (_name, write) => {
    const original = file((s) => s);
    const read = readExchange(write(original));
    expect(read).toEqual({ ok: true, file: original });
  });

  it("reads a target a translation tool filled in, and refuses inline markup naming the unit", () => {
    const xml = writeXliff(file(), "2.0").replace(
      '<target xml:space="preserve"></target>',
      '<target xml:space="preserve">&lt;p&gt;Hallo &amp;amp; {{ profile.userId }}&lt;/p&gt;</target>',
    );
    const read = readExchange(xml);
    expect(read.ok && read.file.units[1].target).toBe("<p>Hallo &amp; {{ profile.userId }}</p>");
    const inline = writeXliff(file(), "2.0").replace(
      '<target xml:space="preserve"></target>',
      '<target xml:space="preserve">Hallo <ph id="1"/></target>',
    );
    expect(readExchange(inline)).toMatchObject({ ok: false, issues: [{ path: "units.html" }] });
  });

  it("refuses what is not a translation file", () => {
    expect(readExchange("")).toMatchObject({ ok: false, issues: [{ path: "file" }] });
    expect(readExchange("<a><b></a>")).toMatchObject({ ok: false, issues: [{ path: "file" }] });
    expect(readExchange("<root/>")).toMatchObject({
      ok: false,
      issues: [{ path: "file", message: expect.stringMatching(/no <xliff>/) }],
    });
    expect(readExchange('<xliff version="3.0"><file/></xliff>')).toMatchObject({ ok: false });
    expect(readExchange("{ nope")).toMatchObject({ ok: false, issues: [{ path: "file" }] });
  });
});

describe("liquidProblem", () => {
  const source = 'Hi {{ profile.traits.first_name | default: "there" }}, {% if vip %}VIP{% endif %}';
  it("accepts reordered tags and whitespace inside them", () => {
    expect(
      liquidProblem(source, '{% if vip %}VIP{% endif %} Hallo {{profile.traits.first_name | default: "there"}}'),
    ).toBeNull();
  });
  it("names a lost {{, a dropped variable, an extra tag, smart quotes and broken syntax", () => {
    expect(
      liquidProblem(source, 'Hallo profile.traits.first_name | default: "there" }}, {% if vip %}VIP{% endif %}'),
    ).toMatch(/lone "}}"/);
    expect(liquidProblem(source, "Hallo, {% if vip %}VIP{% endif %}")).toMatch(/lost the source's Liquid/);
    expect(liquidProblem(source, `${source} {{ profile.email }}`)).toMatch(/the source does not/);
    expect(
      liquidProblem(source, "Hallo {{ profile.traits.first_name | default: “there” }}, {% if vip %}VIP{% endif %}"),
    ).toMatch(/typographic quotes/);
    expect(liquidProblem("{% if a %}x{% endif %}", "{% if a %}x{% endif %}{% endif %}")).toBeTruthy();
  });
});

describe("checkImport", () => {
  const expectation = {
    kind: "email" as const,
    content,
    templateId: "t1",
    defaultLocale: "en",
    contentLocales: ["de", "fr"],
    locale: "de",
  };
  it("gives the translated fields (empty targets left out) and the hash the file was made from", () => {
    const f = file();
    f.units[1].target = HTML.replace("Hi", "Hallo");
    expect(checkImport(f, expectation)).toEqual({
      ok: true,
      locale: "de",
      fields: { subject: "Hallo {{ profile.traits.first_name }}", html: HTML.replace("Hi", "Hallo") },
      sourceHash: "abc",
    });
  });
  it("names every problem: another template, the wrong locale, unknown units, broken Liquid", () => {
    const f = { ...file(), fileId: "other@x", targetLocale: "fr" };
    f.units = [...f.units, { id: "layoutId", source: "", target: "x" }];
    f.units[0] = { ...f.units[0], target: "Hallo {{ profile.traits.first_name" };
    const r = checkImport(f, expectation);
    expect(r.ok === false && r.issues.map((i) => i.path)).toEqual([
      "file",
      "targetLocale",
      "units.subject",
      "units.layoutId",
    ]);
    expect(checkImport({ ...file(), targetLocale: "ko" }, { ...expectation, locale: null })).toMatchObject({
      ok: false,
      issues: [{ path: "targetLocale", message: expect.stringMatching(/Settings → Languages/) }],
    });
    expect(checkImport({ ...file(), targetLocale: "en" }, { ...expectation, locale: null })).toMatchObject({
      ok: false,
      issues: [{ path: "targetLocale", message: expect.stringMatching(/default locale/) }],
    });
  });
});
