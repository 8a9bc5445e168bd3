import { z } from "zod";
import { actorLabel, requirePermission, type WorkspaceContext } from "../auth/context";
import { recordAudit } from "../audit/audit-log";
import { db, type Prisma } from "../db/client";
import { AppError, parseInput, zodIssuesToFields, type FieldIssue } from "../errors";
import { getProfile } from "../profiles/profiles";
import { CHANNELS, CONTENT_SCHEMAS, liquidIssues, missingVariables, renderTemplate, SAMPLE_SCOPE, type Channel, type RenderScope, type TemplateContent } from "./liquid";

/**
 * Message templates: a name, a channel and numbered versions of the channel's content. Every save adds a
 * version (content validated and every Liquid field parsed first: nothing is stored when one fails), so a
 * journey version can keep sending the template version it was published with. A template created without
 * content has no version yet (currentVersion 0) until its first save.
 */
export { CHANNELS, type Channel } from "./liquid";

const CHANNEL_LABELS: Record<Channel, string> = { email: "email", sms: "SMS", push: "push", in_app: "in-app" };

export const ZChannel = z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(", ")}` });
export const ZTemplateName = z.string({ error: "Name the template" }).trim().min(1, "Name the template").max(120, "A template name has at most 120 characters");
export const ZCreateTemplate = z.object({ name: ZTemplateName, channel: ZChannel, content: z.unknown().optional() }).strict();
export const ZSaveTemplate = z.object({ content: z.unknown() }).strict();
export const ZRenameTemplate = z.object({ name: ZTemplateName }).strict();
export const ZPreviewTemplate = z
  .object({
    channel: ZChannel,
    content: z.record(z.string(), z.unknown()),
    /** a profile id, userId or anonymousId; omitted or null: the built-in sample profile */
    profileId: z.string().trim().min(1).max(200).nullish(),
  })
  .strict();

export interface TemplateSummary {
  id: string;
  name: string;
  channel: Channel;
  currentVersion: number;
  archived: boolean;
  updatedAt: string;
}

export interface TemplateDetail extends TemplateSummary {
  /** the newest version's content; null before the first save */
  content: TemplateContent | null;
  versions: { version: number; createdAt: string; createdBy: string }[];
}

/**
 * Validates `content` for `channel` and parses its Liquid: a 422 naming every offending field
 * (content.<field>), schema problems and Liquid errors together.
 */
export function validateContent(channel: Channel, content: unknown): TemplateContent {
  const result = CONTENT_SCHEMAS[channel].safeParse(content);
  const fields: FieldIssue[] = result.success ? [] : zodIssuesToFields(result.error).map((f) => ({ ...f, path: f.path ? `content.${f.path}` : "content" }));
  const liquid = liquidIssues(channel, result.success ? result.data : content);
  const taken = new Set(fields.map((f) => f.path));
  fields.push(...liquid.filter((f) => !taken.has(f.path)));
  if (fields.length || !result.success) throw AppError.validation(fields.length ? fields : [{ path: "content", message: "Invalid content" }]);
  return result.data;
}

const notFound = () => new AppError("not_found", "No such template in this workspace.");

async function load(ctx: WorkspaceContext, id: string) {
  if (!z.uuid().safeParse(id).success) throw notFound();
  const template = await db().messageTemplate.findFirst({
    where: { id, workspaceId: ctx.workspace.id },
    include: { versions: { orderBy: { version: "desc" }, select: { version: true, content: true, createdAt: true, createdByLabel: true } } },
  });
  if (!template) throw notFound();
  return template;
}

function summary(t: { id: string; name: string; channel: string; currentVersion: number; archivedAt: Date | null; updatedAt: Date }): TemplateSummary {
  return { id: t.id, name: t.name, channel: t.channel as Channel, currentVersion: t.currentVersion, archived: t.archivedAt !== null, updatedAt: t.updatedAt.toISOString() };
}

function detail(t: Awaited<ReturnType<typeof load>>): TemplateDetail {
  return {
    ...summary(t),
    content: (t.versions[0]?.content as TemplateContent | undefined) ?? null,
    versions: t.versions.map((v) => ({ version: v.version, createdAt: v.createdAt.toISOString(), createdBy: v.createdByLabel })),
  };
}

export async function listTemplates(ctx: WorkspaceContext, query: { channel?: string; q?: string; archived?: boolean } = {}): Promise<TemplateSummary[]> {
  requirePermission(ctx, "workspace:read");
  const channel = query.channel ? parseInput(ZChannel, query.channel) : undefined;
  const rows = await db().messageTemplate.findMany({
    where: {
      workspaceId: ctx.workspace.id,
      archivedAt: query.archived ? { not: null } : null,
      ...(channel ? { channel } : {}),
      ...(query.q?.trim() ? { name: { contains: query.q.trim(), mode: "insensitive" } } : {}),
    },
    orderBy: { updatedAt: "desc" },
  });
  return rows.map(summary);
}

export async function getTemplate(ctx: WorkspaceContext, id: string): Promise<TemplateDetail> {
  requirePermission(ctx, "workspace:read");
  return detail(await load(ctx, id));
}

/** The content of one version (what a journey version sends). */
export async function getTemplateVersion(ctx: WorkspaceContext, id: string, version: number): Promise<{ channel: Channel; version: number; content: TemplateContent }> {
  requirePermission(ctx, "workspace:read");
  const template = await load(ctx, id);
  const found = template.versions.find((v) => v.version === version);
  if (!found) throw new AppError("not_found", `The template has no version ${version}.`);
  return { channel: template.channel as Channel, version, content: found.content as TemplateContent };
}

/**
 * The version a journey version published at `publishedAt` sends: the newest saved by then, so later saves
 * reach only journeys published after them. Null when the template had no version then (or is unknown).
 */
export async function templateVersionAt(workspaceId: string, templateId: string, publishedAt: Date): Promise<{ channel: Channel; version: number; content: TemplateContent } | null> {
  if (!z.uuid().safeParse(templateId).success) return null;
  const found = await db().messageTemplateVersion.findFirst({
    where: { templateId, createdAt: { lte: publishedAt }, template: { workspaceId } },
    orderBy: { version: "desc" },
    select: { version: true, content: true, template: { select: { channel: true } } },
  });
  return found ? { channel: found.template.channel as Channel, version: found.version, content: found.content as TemplateContent } : null;
}

export async function createTemplate(ctx: WorkspaceContext, input: z.input<typeof ZCreateTemplate>): Promise<TemplateDetail> {
  requirePermission(ctx, "content:write");
  const { name, channel, content } = parseInput(ZCreateTemplate, input);
  const validated = content === undefined ? null : validateContent(channel, content);
  const created = await db().$transaction(async (tx) => {
    const template = await tx.messageTemplate.create({ data: { workspaceId: ctx.workspace.id, name, channel, currentVersion: validated ? 1 : 0 } });
    if (validated) {
      await tx.messageTemplateVersion.create({ data: { templateId: template.id, version: 1, content: validated as Prisma.InputJsonValue, createdByLabel: actorLabel(ctx.actor) } });
    }
    await recordAudit(tx, { workspaceId: ctx.workspace.id, actor: ctx.actor, action: "template.created", targetType: "template", targetId: template.id, summary: `Created the ${CHANNEL_LABELS[channel]} template "${name}"` });
    return template;
  });
  return getTemplate(ctx, created.id);
}

/** Saves new content as the next version. */
export async function saveTemplate(ctx: WorkspaceContext, id: string, input: z.input<typeof ZSaveTemplate>): Promise<TemplateDetail> {
  requirePermission(ctx, "content:write");
  const { content } = parseInput(ZSaveTemplate, input);
  const template = await load(ctx, id);
  if (template.archivedAt) throw new AppError("conflict", "This template is archived; restore it to edit it.");
  const validated = validateContent(template.channel as Channel, content);
  await db().$transaction(async (tx) => {
    // compare-and-set on the version number: two saves at once cannot both become vN
    const bumped = await tx.messageTemplate.updateMany({ where: { id, currentVersion: template.currentVersion }, data: { currentVersion: { increment: 1 } } });
    if (bumped.count !== 1) throw new AppError("conflict", "Someone saved this template at the same time; reload it and save again.");
    const version = template.currentVersion + 1;
    await tx.messageTemplateVersion.create({ data: { templateId: id, version, content: validated as Prisma.InputJsonValue, createdByLabel: actorLabel(ctx.actor) } });
    await recordAudit(tx, { workspaceId: ctx.workspace.id, actor: ctx.actor, action: "template.saved", targetType: "template", targetId: id, summary: `Saved "${template.name}" as v${version}`, metadata: { version } });
  });
  return getTemplate(ctx, id);
}

export async function renameTemplate(ctx: WorkspaceContext, id: string, input: z.input<typeof ZRenameTemplate>): Promise<TemplateDetail> {
  requirePermission(ctx, "content:write");
  const { name } = parseInput(ZRenameTemplate, input);
  const template = await load(ctx, id);
  if (template.name !== name) {
    await db().$transaction(async (tx) => {
      await tx.messageTemplate.update({ where: { id }, data: { name } });
      await recordAudit(tx, { workspaceId: ctx.workspace.id, actor: ctx.actor, action: "template.renamed", targetType: "template", targetId: id, summary: `Renamed the template "${template.name}" to "${name}"` });
    });
  }
  return getTemplate(ctx, id);
}

async function setArchived(ctx: WorkspaceContext, id: string, archived: boolean): Promise<TemplateDetail> {
  requirePermission(ctx, "content:write");
  const template = await load(ctx, id);
  if ((template.archivedAt !== null) === archived) throw new AppError("conflict", archived ? "This template is already archived." : "This template is not archived.");
  await db().$transaction(async (tx) => {
    await tx.messageTemplate.update({ where: { id }, data: { archivedAt: archived ? new Date() : null } });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: archived ? "template.archived" : "template.restored",
      targetType: "template",
      targetId: id,
      summary: `${archived ? "Archived" : "Restored"} the template "${template.name}"`,
    });
  });
  return getTemplate(ctx, id);
}

export const archiveTemplate = (ctx: WorkspaceContext, id: string) => setArchived(ctx, id, true);
export const restoreTemplate = (ctx: WorkspaceContext, id: string) => setArchived(ctx, id, false);

/** Templates a journey may send: not archived, saved at least once. */
export async function sendableTemplates(ctx: WorkspaceContext): Promise<{ id: string; channel: Channel }[]> {
  requirePermission(ctx, "workspace:read");
  const rows = await db().messageTemplate.findMany({ where: { workspaceId: ctx.workspace.id, archivedAt: null, currentVersion: { gt: 0 } }, select: { id: true, channel: true } });
  return rows.map((r) => ({ id: r.id, channel: r.channel as Channel }));
}

export interface PreviewResult {
  profile: { id: string | null; label: string; sample: boolean };
  fields: Record<string, string>;
  missingVariables: string[];
  errors: FieldIssue[];
}

/** The scope a profile renders with in the editor: its traits, and sample event/journey context. */
export async function previewScope(ctx: WorkspaceContext, profileId: string | null | undefined): Promise<{ scope: RenderScope; profile: PreviewResult["profile"] }> {
  if (!profileId) return { scope: SAMPLE_SCOPE, profile: { id: null, label: "Sample profile", sample: true } };
  const p = await getProfile(ctx, profileId);
  return {
    scope: { ...SAMPLE_SCOPE, profile: { userId: p.userId, email: p.email, phone: p.phone, timezone: p.timezone, traits: p.traits } },
    profile: { id: p.id, label: p.email ?? p.userId ?? p.anonymousIds[0] ?? p.id, sample: false },
  };
}

/** Renders unsaved content for a profile (or the sample): rendered fields, missing variables, Liquid errors. */
export async function previewTemplate(ctx: WorkspaceContext, input: z.input<typeof ZPreviewTemplate>): Promise<PreviewResult> {
  requirePermission(ctx, "workspace:read");
  const { channel, content, profileId } = parseInput(ZPreviewTemplate, input);
  const { scope, profile } = await previewScope(ctx, profileId);
  const { fields, errors } = renderTemplate(channel, content, scope);
  return { profile, fields, missingVariables: missingVariables(channel, content, scope), errors };
}
