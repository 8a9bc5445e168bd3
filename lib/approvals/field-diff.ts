/**
 * What changed between two versions' contents, field by field (dotted paths: "subject", "cta.label",
 * "translations.de.subject"): what an approver reviews and what the audit log keeps. Values are shown up to
 * MAX_SHOWN characters each (an email's HTML can be 200 KB; the reviewer sees the start and opens the editor for
 * the rest).
 */

export const MAX_SHOWN = 2_000;

export interface FieldChange {
  field: string;
  before: string | null;
  after: string | null;
}

function flatten(value: unknown, prefix: string, out: Map<string, string>): void {
  if (value === undefined || value === null) return;
  if (typeof value === "object" && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value as Record<string, unknown>))
      flatten(inner, prefix ? `${prefix}.${key}` : key, out);
    return;
  }
  out.set(prefix, typeof value === "string" ? value : JSON.stringify(value));
}

const shown = (text: string | undefined): string | null =>
  text === undefined ? null : text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;

/** The order a reviewer reads a message in; other fields after these, alphabetically (stored JSON has no key order). */
const READING_ORDER = ["subject", "preheader", "title", "body", "html", "text", "cta.label", "cta.url"];
const rank = (field: string) => {
  const i = READING_ORDER.indexOf(field);
  return i === -1 ? READING_ORDER.length : i;
};

/** The fields whose value differs (added, removed or changed), in reading order. */
export function fieldDiff(before: unknown, after: unknown): FieldChange[] {
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  flatten(before, "", a);
  flatten(after, "", b);
  const fields = [...new Set([...b.keys(), ...a.keys()])].sort((x, y) => rank(x) - rank(y) || x.localeCompare(y));
  return fields
    .filter((f) => a.get(f) !== b.get(f))
    .map((field) => ({ field, before: shown(a.get(field)), after: shown(b.get(field)) }));
}
