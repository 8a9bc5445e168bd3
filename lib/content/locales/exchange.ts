import { xml2js, type Element } from "xml-js";
import type { FieldIssue } from "../../errors";
import { parseLiquid, type TemplateKind } from "../../messaging/liquid";
import { normalizeLocale } from "./locale-chain";
import { sourceFields, translationsOf } from "./translations";

/**
 * A template's text for a translation service and back: XLIFF 2.0, XLIFF 1.2 or JSON, one unit per translatable
 * field (`subject`, `html`, `cta.label`), the default-locale text as the source and the locale's current
 * translation (if any) as the target.
 *
 * Liquid and HTML are kept verbatim as text (escaped as XML text, not turned into inline elements): every CAT tool
 * round-trips text exactly, and the import checks what a translator can break instead: each unit's Liquid must
 * parse, must carry the same `{{ }}`/`{% %}` tags as its source (reordering is fine; a lost `{{`, a dropped variable
 * or a smart quote inside a tag is not), and inline XLIFF markup in a target is refused. The `xliff` package's
 * writer leaves `&` unescaped and its reader drops text with entities, so the XML is written here and read with
 * xml-js (which that package is built on).
 */

export type ExchangeFormat = "xliff" | "json";
export type XliffVersion = "1.2" | "2.0";

export interface ExchangeUnit {
  id: string;
  source: string;
  target: string;
}

export interface ExchangeFile {
  /** `<templateId>@<sourceHash>`: which template and which default text the file was made from */
  fileId: string;
  sourceLocale: string;
  targetLocale: string;
  units: ExchangeUnit[];
}

/** The units of `content` for `locale`: each translatable field the default has, with the locale's translation. */
export function exportUnits(kind: TemplateKind, content: unknown, locale: string): ExchangeUnit[] {
  const existing = translationsOf(content)[locale]?.fields ?? {};
  return Object.entries(sourceFields(kind, content)).map(([id, source]) => ({
    id,
    source,
    target: existing[id] ?? "",
  }));
}

const escapeText = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const escapeAttr = (s: string) => escapeText(s).replace(/"/g, "&quot;");

export function writeXliff(file: ExchangeFile, version: XliffVersion): string {
  const head = '<?xml version="1.0" encoding="UTF-8"?>\n';
  if (version === "2.0") {
    const units = file.units
      .map(
        (u) =>
          `    <unit id="${escapeAttr(u.id)}">\n      <segment>\n        <source xml:space="preserve">${escapeText(u.source)}</source>\n        <target xml:space="preserve">${escapeText(u.target)}</target>\n      </segment>\n    </unit>\n`,
      )
      .join("");
    return `${head}<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="${escapeAttr(file.sourceLocale)}" trgLang="${escapeAttr(file.targetLocale)}">\n  <file id="${escapeAttr(file.fileId)}">\n${units}  </file>\n</xliff>\n`;
  }
  const units = file.units
    .map(
      (u) =>
        `      <trans-unit id="${escapeAttr(u.id)}" xml:space="preserve">\n        <source>${escapeText(u.source)}</source>\n        <target>${escapeText(u.target)}</target>\n      </trans-unit>\n`,
    )
    .join("");
  return `${head}<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">\n  <file original="${escapeAttr(file.fileId)}" datatype="plaintext" source-language="${escapeAttr(file.sourceLocale)}" target-language="${escapeAttr(file.targetLocale)}">\n    <body>\n${units}    </body>\n  </file>\n</xliff>\n`;
}

export function writeJson(file: ExchangeFile): string {
  return `${JSON.stringify(
    {
      file: file.fileId,
      sourceLocale: file.sourceLocale,
      targetLocale: file.targetLocale,
      units: Object.fromEntries(file.units.map((u) => [u.id, { source: u.source, target: u.target }])),
    },
    null,
    2,
  )}\n`;
}

type Read = { ok: true; file: ExchangeFile } | { ok: false; issues: FieldIssue[] };
const fail = (path: string, message: string): Read => ({ ok: false, issues: [{ path, message }] });

const children = (e: Element | undefined, name?: string): Element[] =>
  (e?.elements ?? []).filter((c) => c.type === "element" && (name === undefined || c.name === name));

/** The text of a <source>/<target>; null when it holds markup (inline elements) rather than text only. */
function textOf(e: Element | undefined): string | null {
  if (!e) return "";
  let text = "";
  for (const c of e.elements ?? []) {
    if (c.type === "text" || c.type === "cdata") text += String(c.type === "text" ? c.text : c.cdata);
    else if (c.type === "element") return null;
  }
  return text;
}

/** Reads an XLIFF 1.2 or 2.0 document (told apart by its version) or the JSON form. */
export function readExchange(text: string): Read {
  const trimmed = text.trimStart();
  if (!trimmed) return fail("file", "is empty");
  if (trimmed.startsWith("{")) return readJson(trimmed);
  let doc: Element;
  try {
    doc = xml2js(text, { compact: false, captureSpacesBetweenElements: false }) as Element;
  } catch (error) {
    return fail("file", `is not XLIFF: ${(error as Error).message.split("\n")[0]}`);
  }
  const root = children(doc, "xliff")[0];
  if (!root) return fail("file", "is not XLIFF (no <xliff> element)");
  const version = String(root.attributes?.version ?? "");
  const files = children(root, "file");
  if (files.length !== 1) return fail("file", "must hold exactly one <file> (one template)");
  const f = files[0];
  const units: ExchangeUnit[] = [];
  const issues: FieldIssue[] = [];
  const add = (id: unknown, source: Element | undefined, target: Element | undefined) => {
    const unitId = String(id ?? "");
    const s = textOf(source);
    const t = textOf(target);
    if (s === null || t === null)
      issues.push({
        path: `units.${unitId}`,
        message: "holds XLIFF inline markup; keep Liquid and HTML as the plain text they were exported as",
      });
    else units.push({ id: unitId, source: s, target: t });
  };
  if (version.startsWith("2")) {
    for (const unit of children(f, "unit")) {
      const segments = children(unit, "segment");
      if (segments.length !== 1) {
        issues.push({ path: `units.${unit.attributes?.id}`, message: "must have exactly one <segment>" });
        continue;
      }
      add(unit.attributes?.id, children(segments[0], "source")[0], children(segments[0], "target")[0]);
    }
    return issues.length
      ? { ok: false, issues }
      : {
          ok: true,
          file: {
            fileId: String(f.attributes?.id ?? ""),
            sourceLocale: String(root.attributes?.srcLang ?? ""),
            targetLocale: String(root.attributes?.trgLang ?? ""),
            units,
          },
        };
  }
  if (version === "1.2") {
    for (const unit of children(children(f, "body")[0], "trans-unit"))
      add(unit.attributes?.id, children(unit, "source")[0], children(unit, "target")[0]);
    return issues.length
      ? { ok: false, issues }
      : {
          ok: true,
          file: {
            fileId: String(f.attributes?.original ?? ""),
            sourceLocale: String(f.attributes?.["source-language"] ?? ""),
            targetLocale: String(f.attributes?.["target-language"] ?? ""),
            units,
          },
        };
  }
  return fail("file", `is XLIFF version ${version || "(none)"}; 1.2 and 2.0 are read`);
}

function readJson(text: string): Read {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return fail("file", `is not valid JSON: ${(error as Error).message}`);
  }
  const p = parsed as { file?: unknown; sourceLocale?: unknown; targetLocale?: unknown; units?: unknown };
  if (!p || typeof p !== "object" || !p.units || typeof p.units !== "object" || Array.isArray(p.units))
    return fail("file", 'must be { "targetLocale": "de", "units": { "subject": { "target": "…" } } }');
  const units: ExchangeUnit[] = [];
  for (const [id, u] of Object.entries(p.units as Record<string, unknown>)) {
    const target = typeof u === "string" ? u : (u as { target?: unknown } | null)?.target;
    const source = typeof u === "object" && u ? (u as { source?: unknown }).source : undefined;
    if (typeof target !== "string") return fail(`units.${id}`, "needs a target text");
    units.push({ id, source: typeof source === "string" ? source : "", target });
  }
  return {
    ok: true,
    file: {
      fileId: typeof p.file === "string" ? p.file : "",
      sourceLocale: typeof p.sourceLocale === "string" ? p.sourceLocale : "",
      targetLocale: typeof p.targetLocale === "string" ? p.targetLocale : "",
      units,
    },
  };
}

const LIQUID_TOKEN = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;
const SMART_QUOTES = /[\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u00ab\u00bb\u2039\u203a]/;
const normalizeToken = (t: string) =>
  t
    .replace(/\s+/g, " ")
    .replace(/^(\{[{%])-? ?/, "$1 ")
    .replace(/ ?-?([}%]\})$/, " $1");

/** What is wrong with a translated text's Liquid against its source's, or null. */
export function liquidProblem(source: string, target: string): string | null {
  const targetTokens = target.match(LIQUID_TOKEN) ?? [];
  const quoted = targetTokens.find((t) => SMART_QUOTES.test(t));
  if (quoted) return `has typographic quotes inside the Liquid ${quoted.slice(0, 80)}; use straight quotes (" or ')`;
  const rest = target.replace(LIQUID_TOKEN, "");
  const stray = /\{\{|\}\}|\{%|%\}/.exec(rest);
  if (stray) return `has a broken Liquid delimiter (a lone "${stray[0]}"): a {{ or }} was lost`;
  const parsed = parseLiquid(target);
  if (!parsed.ok) return `Liquid error: ${parsed.error}`;
  const want = (source.match(LIQUID_TOKEN) ?? []).map(normalizeToken);
  const have = targetTokens.map(normalizeToken);
  const left = [...have];
  const missing: string[] = [];
  for (const token of want) {
    const i = left.indexOf(token);
    if (i === -1) missing.push(token);
    else left.splice(i, 1);
  }
  if (missing.length) return `lost the source's Liquid ${missing.slice(0, 3).join(", ")}`;
  if (left.length) return `has Liquid the source does not: ${left.slice(0, 3).join(", ")}`;
  return null;
}

export interface ImportExpectation {
  kind: TemplateKind;
  content: unknown;
  templateId: string;
  defaultLocale: string;
  contentLocales: string[];
  /** the locale the caller says the file is for (the query's), if any */
  locale: string | null;
}

/**
 * Checks a read file against the template: its template, its locales, every unit id and every target's Liquid.
 * All problems at once; on success the translated fields and the source hash the file was made from.
 */
export function checkImport(
  file: ExchangeFile,
  expect: ImportExpectation,
):
  | { ok: true; locale: string; fields: Record<string, string>; sourceHash: string | null }
  | { ok: false; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const [fileTemplate, fileHash] = file.fileId.split("@");
  if (file.fileId && fileTemplate !== expect.templateId)
    issues.push({ path: "file", message: "is the export of another template" });
  const target = normalizeLocale(file.targetLocale) ?? (file.targetLocale ? null : expect.locale);
  if (!target) issues.push({ path: "targetLocale", message: `"${file.targetLocale}" is not a language tag` });
  else if (expect.locale && target !== expect.locale)
    issues.push({ path: "targetLocale", message: `is ${target}, but the import is for ${expect.locale}` });
  else if (target === normalizeLocale(expect.defaultLocale))
    issues.push({
      path: "targetLocale",
      message: `is the workspace's default locale (${target}), which the template itself is in`,
    });
  else if (!expect.contentLocales.includes(target))
    issues.push({
      path: "targetLocale",
      message: `${target} is not one of the workspace's languages (${expect.contentLocales.join(", ") || "none"}); add it in Settings → Languages first`,
    });
  const source = file.sourceLocale ? normalizeLocale(file.sourceLocale) : null;
  if (file.sourceLocale && source !== normalizeLocale(expect.defaultLocale))
    issues.push({
      path: "sourceLocale",
      message: `is ${file.sourceLocale}, but the template is in ${expect.defaultLocale}`,
    });
  const sources = sourceFields(expect.kind, expect.content);
  const fields: Record<string, string> = {};
  const seen = new Set<string>();
  for (const unit of file.units) {
    const path = `units.${unit.id}`;
    if (seen.has(unit.id)) {
      issues.push({ path, message: "appears twice" });
      continue;
    }
    seen.add(unit.id);
    if (!(unit.id in sources)) {
      issues.push({ path, message: `is not a field of this template (${Object.keys(sources).join(", ")})` });
      continue;
    }
    if (!unit.target.trim()) continue; // not translated yet: left as it is
    const problem = liquidProblem(sources[unit.id], unit.target);
    if (problem) issues.push({ path, message: problem });
    else fields[unit.id] = unit.target;
  }
  if (issues.length || !target) return { ok: false, issues };
  return { ok: true, locale: target, fields, sourceHash: fileHash ?? null };
}
