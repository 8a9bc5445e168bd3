import { z } from "zod";
import { db } from "../db/client";
import type { FieldIssue } from "../errors";
import { liquidSources, type TemplateKind } from "../messaging/liquid";
import { ReadCache } from "../runtime/read-cache";

/**
 * The workspace's banned words and claims ("guaranteed", "risk-free", "cures"): a list of phrases, each with an
 * optional reason, that no content may carry. Every AI draft is checked before it is shown (hits highlighted, not
 * dropped); a save warns; a publish or send refuses (lib/approvals/publish-gate.ts). The check is the same
 * everywhere: case-insensitive, whitespace-insensitive, whole words (the phrase "free" does not match "freedom").
 */

export const MAX_BANNED_PHRASES = 200;
export const ZBannedPhrase = z
  .object({
    phrase: z
      .string({ error: "Write the phrase" })
      .trim()
      .min(2, "A banned phrase has at least 2 characters")
      .max(120, "A banned phrase has at most 120 characters"),
    reason: z.string().trim().max(300, "A reason has at most 300 characters").optional(),
  })
  .strict();
export type BannedPhrase = z.output<typeof ZBannedPhrase>;
export const ZBannedPhrases = z
  .array(ZBannedPhrase)
  .max(MAX_BANNED_PHRASES, `At most ${MAX_BANNED_PHRASES} banned phrases`)
  .refine((list) => new Set(list.map((p) => p.phrase.toLowerCase())).size === list.length, {
    message: "Each phrase is listed once",
  });

/** One banned phrase found in one field: `start`/`end` are offsets into that field's text, for highlighting. */
export interface BannedHit {
  field: string;
  phrase: string;
  reason?: string;
  match: string;
  start: number;
  end: number;
}

const WORD = /[\p{L}\p{N}]/u;
const patterns = new Map<string, RegExp>();

function patternOf(phrase: string): RegExp {
  let pattern = patterns.get(phrase);
  if (!pattern) {
    const body = phrase
      .trim()
      .split(/\s+/)
      .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join("\\s+");
    // whole words only where the phrase begins or ends with a letter or digit ("5% off!" ends with "!")
    const before = WORD.test(phrase.trim()[0] ?? "") ? "(?<![\\p{L}\\p{N}])" : "";
    const after = WORD.test(phrase.trim().slice(-1)) ? "(?![\\p{L}\\p{N}])" : "";
    pattern = new RegExp(`${before}${body}${after}`, "giu");
    if (patterns.size > 5_000) patterns.clear();
    patterns.set(phrase, pattern);
  }
  pattern.lastIndex = 0;
  return pattern;
}

/** Every banned phrase in every field of `fields` (dotted path → text), in field order. */
export function findBannedPhrases(fields: { field: string; text: string }[], banned: BannedPhrase[]): BannedHit[] {
  const hits: BannedHit[] = [];
  for (const { field, text } of fields) {
    for (const { phrase, reason } of banned) {
      for (const m of text.matchAll(patternOf(phrase))) {
        hits.push({
          field,
          phrase,
          ...(reason ? { reason } : {}),
          match: m[0],
          start: m.index ?? 0,
          end: (m.index ?? 0) + m[0].length,
        });
      }
    }
  }
  return hits;
}

/**
 * The text of a template's content that goes out: its Liquid fields and, when the content has locale variants
 * (`translations: { [locale]: { fields } }`), each translation's fields as `translations.<locale>.<field>`.
 */
export function contentTexts(kind: TemplateKind, content: unknown): { field: string; text: string }[] {
  const texts = liquidSources(kind, content).map(({ field, source }) => ({ field, text: source }));
  const translations = (content as { translations?: unknown } | null)?.translations;
  if (translations && typeof translations === "object") {
    for (const [locale, variant] of Object.entries(translations as Record<string, unknown>)) {
      const fields = (variant as { fields?: unknown } | null)?.fields;
      if (!fields || typeof fields !== "object") continue;
      for (const [field, value] of Object.entries(fields as Record<string, unknown>))
        if (typeof value === "string") texts.push({ field: `translations.${locale}.${field}`, text: value });
    }
  }
  return texts;
}

/**
 * Every transactional send checks its content, so the list is cached in this process for a few seconds, as
 * templates are (published-versions.ts); saving the settings here drops it at once (forgetBannedPhrases).
 */
const cached = new ReadCache<string, BannedPhrase[]>({ maxEntries: 10_000, ttlMs: 5_000 });

export function forgetBannedPhrases(workspaceId: string): void {
  cached.delete(workspaceId);
}

/** The workspace's banned phrases (the stored JSON read defensively: a bad entry is skipped, not fatal). */
export function bannedPhrasesOf(workspaceId: string, now: number = Date.now()): Promise<BannedPhrase[]> {
  return cached.get(workspaceId, () => loadBannedPhrases(workspaceId), now);
}

export async function loadBannedPhrases(workspaceId: string): Promise<BannedPhrase[]> {
  const row = await db().workspace.findUnique({ where: { id: workspaceId }, select: { bannedPhrases: true } });
  const parsed = z.array(z.unknown()).safeParse(row?.bannedPhrases ?? []);
  if (!parsed.success) return [];
  return parsed.data.flatMap((entry) => {
    const one = ZBannedPhrase.safeParse(entry);
    return one.success ? [one.data] : [];
  });
}

/** How a hit reads in a field error or warning: the phrase, and the reason when the admin gave one. */
export function describeHit(hit: BannedHit): string {
  return `contains the banned phrase "${hit.phrase}"${hit.reason ? ` (${hit.reason})` : ""}`;
}

/** The save's warnings for banned phrases in `content` (a save stores it; publishing and sending refuse it). */
export async function bannedPhraseWarnings(
  workspaceId: string,
  kind: TemplateKind,
  content: unknown,
): Promise<FieldIssue[]> {
  const banned = await bannedPhrasesOf(workspaceId);
  if (!banned.length) return [];
  return findBannedPhrases(contentTexts(kind, content), banned).map((hit) => ({
    path: `content.${hit.field}`,
    message: `${describeHit(hit)}: publishing and sending refuse it`,
  }));
}
