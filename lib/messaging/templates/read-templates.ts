import { requirePermission, type WorkspaceContext } from "../../auth/context";
import { db } from "../../db/client";
import { AppError, parseInput } from "../../errors";
import { CHANNELS, type Channel, type TemplateContent, type TemplateKind } from "../liquid";
import { ZTemplateKind } from "./schemas";
import { loadTemplate, type TemplateDetail, type TemplateSummary, toDetail, toSummary } from "./template-views";

export async function listTemplates(
  ctx: WorkspaceContext,
  query: { channel?: string; q?: string; archived?: boolean } = {},
): Promise<TemplateSummary[]> {
  requirePermission(ctx, "workspace:read");
  const channel = query.channel ? parseInput(ZTemplateKind, query.channel) : undefined;
  const rows = await db().messageTemplate.findMany({
    where: {
      workspaceId: ctx.workspace.id,
      archivedAt: query.archived ? { not: null } : null,
      ...(channel ? { channel } : {}),
      ...(query.q?.trim() ? { name: { contains: query.q.trim(), mode: "insensitive" } } : {}),
    },
    orderBy: { updatedAt: "desc" },
    include: {
      versions: { orderBy: { version: "desc" }, take: 1, select: { needsApproval: true, approvedAt: true } },
    },
  });
  return rows.map(toSummary);
}

export async function getTemplate(ctx: WorkspaceContext, id: string): Promise<TemplateDetail> {
  requirePermission(ctx, "workspace:read");
  return toDetail(await loadTemplate(ctx, id));
}

/** The content of one version (what a journey version sends). */
export async function getTemplateVersion(
  ctx: WorkspaceContext,
  id: string,
  version: number,
): Promise<{ channel: TemplateKind; version: number; content: TemplateContent }> {
  requirePermission(ctx, "workspace:read");
  const template = await loadTemplate(ctx, id);
  const found = template.versions.find((v) => v.version === version);
  if (!found) throw new AppError("not_found", `The template has no version ${version}.`);
  return { channel: template.channel as TemplateKind, version, content: found.content as TemplateContent };
}

/** Templates a journey may send: not archived, saved at least once. */
export async function sendableTemplates(ctx: WorkspaceContext): Promise<{ id: string; channel: Channel }[]> {
  requirePermission(ctx, "workspace:read");
  const rows = await db().messageTemplate.findMany({
    where: {
      workspaceId: ctx.workspace.id,
      archivedAt: null,
      currentVersion: { gt: 0 },
      channel: { in: [...CHANNELS] },
    },
    select: { id: true, channel: true },
  });
  return rows.map((r) => ({ id: r.id, channel: r.channel as Channel }));
}

/** The saved email layouts, for the email editor's layout picker. */
export async function listLayouts(ctx: WorkspaceContext): Promise<{ id: string; name: string }[]> {
  requirePermission(ctx, "workspace:read");
  return db().messageTemplate.findMany({
    where: { workspaceId: ctx.workspace.id, channel: "layout", archivedAt: null, currentVersion: { gt: 0 } },
    select: { id: true, name: true },
    orderBy: { name: "asc" },
  });
}
