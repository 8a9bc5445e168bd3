import { z } from "zod";
import { db } from "../../db/client";
import { pgPool } from "../../db/pool";
import type { Partials, RenderAssets, TemplateContent, TemplateKind } from "../liquid";
import { selectPartialsAt } from "../store/templates";

/**
 * What a journey version sends: each template, partial and layout in the version that was current when the
 * journey version was published, so later saves reach only journeys published after them.
 */

/**
 * The version a journey version published at `publishedAt` sends: the newest saved by then, so later saves
 * reach only journeys published after them. Null when the template had no version then (or is unknown).
 */
export async function templateVersionAt(
  workspaceId: string,
  templateId: string,
  publishedAt: Date,
): Promise<{ channel: TemplateKind; version: number; content: TemplateContent } | null> {
  if (!z.uuid().safeParse(templateId).success) return null;
  const found = await db().messageTemplateVersion.findFirst({
    where: { templateId, createdAt: { lte: publishedAt }, template: { workspaceId } },
    orderBy: { version: "desc" },
    select: { version: true, content: true, template: { select: { channel: true } } },
  });
  return found
    ? {
        channel: found.template.channel as TemplateKind,
        version: found.version,
        content: found.content as TemplateContent,
      }
    : null;
}

/**
 * The partials (every one not archived, in its version current at `at`) and, for an email with a layout,
 * the layout's HTML then: what a message sent by a journey version published at `at` renders with.
 */
export async function renderAssetsAt(workspaceId: string, at: Date, layoutId?: string | null): Promise<RenderAssets> {
  const partialRows = await selectPartialsAt(pgPool(), workspaceId, at);
  const partials: Partials = Object.fromEntries(partialRows.map((r) => [r.name, r.content.body]));
  const layout = layoutId ? await templateVersionAt(workspaceId, layoutId, at) : null;
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
