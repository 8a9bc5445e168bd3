/**
 * The texts this process's AI drafts produced lately, per workspace, so a save can tell that its content carries
 * AI text even when the editor did not say so (a copy and paste, an older browser tab): the server's own half of
 * the rule that marks a version `aiDrafted` (lib/approvals/save-approval.ts). Bounded (the newest texts per
 * workspace, the most recently drafting workspaces) and kept for a day; another instance's drafts are not seen, so
 * the editor's own flag remains the first signal and this one a backstop.
 */

const KEEP_MS = 24 * 60 * 60 * 1000;
const MAX_TEXTS = 300;
const MAX_WORKSPACES = 1_000;
/** shorter texts ("Hi", "Shop now") are too common to tell AI text from a person's */
const MIN_LENGTH = 16;

const drafted = new Map<string, { text: string; at: number }[]>();

function normalized(text: string): string {
  return text.replace(/\s+/g, " ").trim().toLowerCase();
}

export function rememberDraftedTexts(workspaceId: string, texts: string[], now: number = Date.now()): void {
  const list = drafted.get(workspaceId) ?? [];
  drafted.delete(workspaceId); // re-inserted last: the map's order is least recently drafting first
  for (const text of texts) {
    const clean = normalized(text);
    if (clean.length >= MIN_LENGTH) list.push({ text: clean, at: now });
  }
  drafted.set(workspaceId, list.slice(-MAX_TEXTS));
  while (drafted.size > MAX_WORKSPACES) drafted.delete(drafted.keys().next().value as string);
}

/** Whether any text drafted for the workspace within the last day appears in `texts`. */
export function containsDraftedText(workspaceId: string, texts: string[], now: number = Date.now()): boolean {
  const list = drafted.get(workspaceId)?.filter((d) => now - d.at < KEEP_MS);
  if (!list?.length) return false;
  const haystack = texts.map(normalized);
  return list.some((d) => haystack.some((h) => h.includes(d.text)));
}
