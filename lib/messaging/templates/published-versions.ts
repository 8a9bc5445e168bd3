import { z } from "zod";
import { pgPool } from "../../db/pool";
import type { Partials, RenderAssets, TemplateContent, TemplateKind } from "../liquid";
import { ReadCache } from "../../runtime/read-cache";
import {
  selectCurrentPartials,
  selectCurrentVersion,
  selectPartialsAt,
  selectVersionContent,
  selectVersionNumberAt,
} from "../store/templates";

/**
 * What a journey version sends: each template, partial and layout in the version that was current when the
 * journey version was published, so later saves reach only journeys published after them.
 */

/**
 * Every send reads these (a transactional request twice: its check and its delivery), so they are cached in this
 * process (lib/runtime/read-cache.ts):
 *   - a version's content for good, by (template, version): versions are never changed once saved;
 *   - each template's newest live version (number, when it went live, channel, archived) and each workspace's
 *     current partials for TEMPLATE_TTL_MS: a save in this process drops them at once (forgetTemplate, called by
 *     create, save, rename, archive and approve), another instance sees it within TEMPLATE_TTL_MS.
 * A read "as of" a moment before the cached newest version was saved (a journey published before a later save)
 * asks the database which version that was; its content still comes from the cache.
 */
export const TEMPLATE_TTL_MS = 5_000;
type CurrentVersion = NonNullable<Awaited<ReturnType<typeof selectCurrentVersion>>>;
const currentVersions = new ReadCache<string, CurrentVersion | null>({ maxEntries: 20_000, ttlMs: TEMPLATE_TTL_MS });
// Contents and partials are the big entries (an email's HTML is often 20–100 KB): 1,000 of them bound the memory to
// about 100 MB at the very worst (a few MB for typical templates); a process sends far fewer distinct versions at once.
const versionContents = new ReadCache<string, TemplateContent | null>({ maxEntries: 1_000 });
type CurrentPartial = Awaited<ReturnType<typeof selectCurrentPartials>>[number];
const currentPartials = new ReadCache<string, CurrentPartial[]>({ maxEntries: 1_000, ttlMs: TEMPLATE_TTL_MS });

/** Drops this process's cached newest version of the template and the workspace's partials (after a write committed). */
export function forgetTemplate(workspaceId: string, templateId: string): void {
  currentVersions.delete(templateId);
  currentPartials.delete(workspaceId);
}

/**
 * The workspace's template (any kind) with its newest live version (approved, or not needing approval: #20), cached
 * (see above); null when the id is not a template of this workspace. `version` is null before the first save and
 * while every version awaits approval; `savedAt` is when that version went live. `now` (ms) judges the cache entry
 * fresh. Approving a version drops the entry (forgetTemplate), as a save does.
 */
export async function currentTemplate(
  workspaceId: string,
  templateId: string,
  now: number = Date.now(),
): Promise<{
  channel: TemplateKind;
  archived: boolean;
  version: number | null;
  savedAt: Date | null;
  /** a version newer than the live one waits for approval (then `version` is the live one, or null if none) */
  awaitingApproval: boolean;
} | null> {
  if (!z.uuid().safeParse(templateId).success) return null;
  const found = await currentVersions.get(
    templateId,
    async () => (await selectCurrentVersion(pgPool(), templateId)) ?? null,
    now,
  );
  if (!found || found.workspaceId !== workspaceId) return null;
  return {
    channel: found.channel as TemplateKind,
    archived: found.archived,
    version: found.version,
    savedAt: found.createdAt,
    awaitingApproval: found.newestVersion > (found.version ?? 0),
  };
}

function versionContent(templateId: string, version: number): Promise<TemplateContent | null> {
  return versionContents.get(
    `${templateId}:${version}`,
    async () => ((await selectVersionContent(pgPool(), templateId, version)) as TemplateContent | undefined) ?? null,
  );
}

/**
 * The version a journey version published at `publishedAt` sends: the newest live by then (saved, and approved
 * if it needed approval), so later saves and approvals reach only journeys published after them. Null when the
 * template had no live version then (or is unknown).
 */
export async function templateVersionAt(
  workspaceId: string,
  templateId: string,
  publishedAt: Date,
  now: number = Date.now(),
): Promise<{ channel: TemplateKind; version: number; content: TemplateContent } | null> {
  const current = await currentTemplate(workspaceId, templateId, now);
  if (current?.version == null || !current.savedAt) return null;
  const version =
    current.savedAt <= publishedAt ? current.version : await selectVersionNumberAt(pgPool(), templateId, publishedAt);
  if (version === undefined) return null;
  const content = await versionContent(templateId, version);
  return content ? { channel: current.channel, version, content } : null;
}

/**
 * The partials (every one not archived, in its version current at `at`) and, for an email with a layout,
 * the layout's HTML then: what a message sent by a journey version published at `at` renders with.
 */
export async function renderAssetsAt(
  workspaceId: string,
  at: Date,
  layoutId?: string | null,
  now: number = Date.now(),
): Promise<RenderAssets> {
  const current = await currentPartials.get(workspaceId, () => selectCurrentPartials(pgPool(), workspaceId), now);
  // the cached set answers for any moment after its every version was saved; an earlier one asks the database
  const partialRows = current.every((r) => r.createdAt <= at)
    ? current
    : await selectPartialsAt(pgPool(), workspaceId, at);
  const partials: Partials = Object.fromEntries(partialRows.map((r) => [r.name, r.content.body]));
  const layout = layoutId ? await templateVersionAt(workspaceId, layoutId, at, now) : null;
  return { partials, layoutHtml: layout?.channel === "layout" ? (layout.content as { html: string }).html : null };
}

/** For each template id, the version a journey version published at `at` sends and its content (unknown ids left out). */
export async function pinnedTemplates(
  workspaceId: string,
  templateIds: string[],
  at: Date,
): Promise<Map<string, { version: number; content: Record<string, unknown> }>> {
  const pinned = new Map<string, { version: number; content: Record<string, unknown> }>();
  for (const id of templateIds) {
    const found = await templateVersionAt(workspaceId, id, at);
    if (found) pinned.set(id, { version: found.version, content: found.content as Record<string, unknown> });
  }
  return pinned;
}
