import { describe, expect, it } from "vitest";
import { chooseLocale } from "../prepare-render";
import { fallbackChain, normalizeLocale, personLocale } from "./locale-chain";
import { localizedContent, sourceHash, translationStatus } from "./translations";
import { checkTranslations, splitTranslations } from "./validate-translations";

describe("normalizeLocale", () => {
  it("canonicalises tags in any case and the POSIX spellings", () => {
    expect(normalizeLocale("de-at")).toBe("de-AT");
    expect(normalizeLocale(" DE-at ")).toBe("de-AT");
    expect(normalizeLocale("pt_BR")).toBe("pt-BR");
    expect(normalizeLocale("en_US.UTF-8")).toBe("en-US");
    expect(normalizeLocale("de_DE@euro")).toBe("de-DE");
    expect(normalizeLocale("zh-hant-tw")).toBe("zh-Hant-TW");
    expect(normalizeLocale("EN")).toBe("en");
  });
  it("refuses what is not a locale", () => {
    for (const bad of ["", "   ", "not a locale", "12345", "C", "POSIX", "und", "x".repeat(100), "de--AT", "-", "_"])
      expect(normalizeLocale(bad), bad).toBeNull();
    for (const bad of [null, undefined, 42, {}, ["de"], true]) expect(normalizeLocale(bad)).toBeNull();
  });
});

describe("fallbackChain", () => {
  it("walks from the most specific tag to the workspace default", () => {
    expect(fallbackChain("de-AT", "en")).toEqual(["de-AT", "de", "en"]);
    expect(fallbackChain("zh-Hant-TW", "en")).toEqual(["zh-Hant-TW", "zh-Hant", "zh", "en"]);
    expect(fallbackChain(null, "fr")).toEqual(["fr"]);
  });
  it("does not repeat the default, and drops extensions", () => {
    expect(fallbackChain("en-GB", "en")).toEqual(["en-GB", "en"]);
    expect(fallbackChain("en", "en")).toEqual(["en"]);
    expect(fallbackChain("de-DE-u-co-phonebk", "en")).toEqual(["de-DE", "de", "en"]);
  });
  it("falls back to en when the stored default is garbage", () => {
    expect(fallbackChain("de", "??")).toEqual(["de", "en"]);
  });
});

describe("personLocale", () => {
  it("takes the locale trait, then the event's context.locale", () => {
    expect(personLocale({ locale: "de_AT" }, "fr")).toEqual({ locale: "de-AT", source: "trait" });
    expect(personLocale({}, "fr-CA")).toEqual({ locale: "fr-CA", source: "event" });
    expect(personLocale({ locale: "" }, undefined)).toEqual({ locale: null, source: "none" });
  });
  it("a garbage trait does not hide a valid event locale, and is named", () => {
    expect(personLocale({ locale: "klingon!!" }, "ko")).toEqual({
      locale: "ko",
      source: "event",
      ignored: "klingon!!",
    });
    expect(personLocale({ locale: 7 }, null)).toEqual({ locale: null, source: "none", ignored: "7" });
  });
});

const email = (translations?: unknown) => ({
  subject: "Hello {{ profile.traits.first_name }}",
  html: "<p>Hi</p>",
  text: "Hi",
  ...(translations ? { translations } : {}),
});

describe("translations", () => {
  it("a translation is up to date until the default fields change, then outdated", () => {
    const hash = sourceHash("email", email());
    const content = email({
      de: { fields: { subject: "Hallo", html: "<p>Hallo</p>" }, sourceHash: hash, updatedAt: "" },
    });
    expect(translationStatus("email", content, "de")).toBe("up_to_date");
    expect(translationStatus("email", content, "ko")).toBe("missing");
    expect(translationStatus("email", { ...content, subject: "Hello again" }, "de")).toBe("outdated");
    // a field that is not translated (layoutId) does not make it stale
    expect(translationStatus("email", { ...content, layoutId: crypto.randomUUID() }, "de")).toBe("up_to_date");
  });
  it("the localized content overlays the translation, drops an untranslated text part and the translations", () => {
    const content = email({
      de: { fields: { subject: "Hallo", html: "<p>Hallo</p>" }, sourceHash: "x", updatedAt: "" },
    });
    expect(localizedContent("email", content, "de")).toEqual({ subject: "Hallo", html: "<p>Hallo</p>" });
    expect(localizedContent("email", content, null)).toEqual(email());
    expect(localizedContent("email", content, "fr")).toEqual(email());
    const inApp = {
      title: "Hi",
      body: "B",
      cta: { label: "Go", url: "https://x.test" },
      translations: { de: { fields: { "cta.label": "Los" }, sourceHash: "", updatedAt: "" } },
    };
    expect(localizedContent("in_app", inApp, "de")).toEqual({
      title: "Hi",
      body: "B",
      cta: { label: "Los", url: "https://x.test" },
    });
    // the cached version's objects are not changed
    expect(inApp.cta.label).toBe("Go");
  });
});

describe("chooseLocale", () => {
  const locales = { defaultLocale: "en", contentLocales: ["de", "de-AT", "ko"] };
  const content = email({
    de: { fields: { subject: "Hallo" }, sourceHash: sourceHash("email", email()), updatedAt: "" },
    ko: { fields: { subject: "안녕" }, sourceHash: "old", updatedAt: "" },
  });
  const choose = (traits: Record<string, unknown>, eventLocale?: unknown, forceLocale?: string) =>
    chooseLocale({ traits, eventLocale, channel: "email", content, forceLocale }, locales);
  it("falls back de-AT → de → default", () => {
    expect(choose({ locale: "de-AT" })).toMatchObject({ used: "de", requested: "de-AT", chain: ["de-AT", "de", "en"] });
    expect(choose({ locale: "fr" })).toMatchObject({ used: "en", chain: ["fr", "en"] });
    expect(choose({})).toMatchObject({ used: "en", source: "none" });
    expect(choose({}, "de")).toMatchObject({ used: "de", source: "event" });
  });
  it("flags a stale translation, which is still used", () => {
    expect(choose({ locale: "ko-KR" })).toMatchObject({ used: "ko", stale: true });
    expect(choose({ locale: "de" }).stale).toBeUndefined();
  });
  it("a forced locale (previews) wins over the person's", () => {
    expect(choose({ locale: "de" }, undefined, "ko")).toMatchObject({ used: "ko" });
  });
});

describe("checkTranslations", () => {
  it("canonicalises locales and keeps valid fields", () => {
    const r = checkTranslations("email", {
      pt_br: { fields: { subject: "Olá {{ profile.traits.first_name }}" }, sourceHash: "a", updatedAt: "b" },
    });
    expect(r.issues).toEqual([]);
    expect(Object.keys(r.translations)).toEqual(["pt-BR"]);
  });
  it("names every problem by locale and field", () => {
    const r = checkTranslations("email", {
      "not a locale": { fields: {}, sourceHash: "", updatedAt: "" },
      de: {
        fields: { subject: "Hallo {{ profile.traits.first_name ", layoutId: "x", html: 5 },
        sourceHash: "",
        updatedAt: "",
      },
      fr: { fields: { subject: "é".repeat(256) }, sourceHash: "", updatedAt: "" },
      ko: "nope",
      DE: { fields: {}, sourceHash: "", updatedAt: "" },
    });
    const paths = r.issues.map((i) => i.path);
    expect(paths).toEqual([
      "content.translations.not a locale",
      "content.translations.de.subject",
      "content.translations.de.layoutId",
      "content.translations.de.html",
      "content.translations.fr.subject",
      "content.translations.ko",
      "content.translations.DE",
    ]);
    expect(r.issues[1].message).toMatch(/^Liquid error/);
  });
  it("refuses translations on kinds that have none, and too many locales", () => {
    expect(checkTranslations("webhook", {}).issues[0].path).toBe("content.translations");
    const many = Object.fromEntries(
      Array.from({ length: 51 }, (_, i) => [
        `x-${String(i).padStart(3, "0")}`,
        { fields: {}, sourceHash: "", updatedAt: "" },
      ]),
    );
    expect(checkTranslations("sms", many).issues.some((i) => i.message.includes("At most 50"))).toBe(true);
  });
  it("splits translations off the content", () => {
    expect(splitTranslations({ body: "a", translations: { de: {} } })).toEqual({
      rest: { body: "a" },
      translations: { de: {} },
    });
    expect(splitTranslations({ body: "a" })).toEqual({ rest: { body: "a" }, translations: undefined });
  });
});
