import { z } from "zod";
import { actorLabel, requirePermission, type WorkspaceContext } from "../auth/context";
import { recordAudit } from "../audit/audit-log";
import { db, type Prisma } from "../db/client";
import { AppError, parseInput, zodIssuesToFields, type FieldIssue } from "../errors";
import { getProfile } from "../profiles/profiles";
import { systemClock, type Clock } from "../runtime/clock";
import {
  CHANNELS,
  CONTENT_SCHEMAS,
  liquidIssues,
  liquidSources,
  missingVariables,
  parseLiquid,
  partialReferences,
  SAMPLE_SCOPE,
  TEMPLATE_KINDS,
  type Channel,
  type Partials,
  type RenderAssets,
  type RenderScope,
  type TemplateContent,
  type TemplateKind,
  type WebhookContent,
  WEBHOOK_CONTENT_TYPES,
} from "./liquid";
import { previewLimiter } from "./preview-rate-limit";
import { renderIsolated } from "./render-pool";
import { isConstantLiquid, jsonProblem, previewWebhookScope } from "./webhook-templates";

/**
 * Message templates: a name, a channel and numbered versions of the channel's content. Every save adds a
 * version (content validated, every Liquid field parsed and every partial it includes by name found first:
 * nothing is stored when one fails; a render for the sample profile only warns), so a
 * journey version can keep sending the template version it was published with. A template created without
 * content has no version yet (currentVersion 0) until its first save.
 *
 * Besides the four channels, two kinds of template are building blocks: partials (snippets any template
 * includes by name, `{% render 'footer' %}`) and email layouts (the HTML around an email's body, with
 * `{{ content }}` where it goes). A message renders with the partials and layout versions that were current
 * when its journey version was published, like the template itself.
 */
export { CHANNELS, type Channel } from "./liquid";

const CHANNEL_LABELS: Record<TemplateKind, string> = {
  email: "email",
  sms: "SMS",
  push: "push",
  in_app: "in-app",
  webhook: "webhook",
  partial: "partial",
  layout: "email layout",
};

export const ZChannel = z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(", ")}` });
export const ZTemplateKind = z.enum(TEMPLATE_KINDS, { error: `must be one of ${TEMPLATE_KINDS.join(", ")}` });
/** A partial is included by its name, so the name must be one Liquid can spell in quotes. */
const PARTIAL_NAME = /^[a-z0-9][a-z0-9_-]{0,59}$/;
const PARTIAL_NAME_RULE =
  "A partial's name is how templates include it ({% render 'footer' %}): lower-case letters, digits, - and _, e.g. footer";
export const ZTemplateName = z
  .string({ error: "Name the template" })
  .trim()
  .min(1, "Name the template")
  .max(120, "A template name has at most 120 characters");
export const ZCreateTemplate = z
  .object({ name: ZTemplateName, channel: ZTemplateKind, content: z.unknown().optional() })
  .strict()
  .refine((t) => t.channel !== "partial" || PARTIAL_NAME.test(t.name), { message: PARTIAL_NAME_RULE, path: ["name"] });
export const ZSaveTemplate = z.object({ content: z.unknown() }).strict();
export const ZRenameTemplate = z.object({ name: ZTemplateName }).strict();
/** The most a typed event's properties may be, as JSON text: a preview renders them, it is not an import. */
export const MAX_PREVIEW_EVENT_BYTES = 32 * 1024;
/**
 * The event a preview or test send renders `event.*` with, instead of the sample order: a stored event of this
 * workspace (`stored`, by id, e.g. one of the picked person's), the newest event of a catalog name
 * (`catalog`), or properties typed as JSON text (`json`, parsed by previewEvent so a parse error names the field).
 */
export const ZPreviewEvent = z.discriminatedUnion(
  "source",
  [
    z.object({ source: z.literal("stored"), id: z.string().regex(/^\d{1,18}$/, "must be an event id") }).strict(),
    z.object({ source: z.literal("catalog"), name: z.string().trim().min(1, "Choose an event").max(200) }).strict(),
    z
      .object({
        source: z.literal("json"),
        name: z.string().trim().max(200).optional(),
        properties: z
          .string()
          .refine(
            (text) => Buffer.byteLength(text, "utf8") <= MAX_PREVIEW_EVENT_BYTES,
            `must be at most ${MAX_PREVIEW_EVENT_BYTES / 1024} KB of JSON`,
          ),
      })
      .strict(),
  ],
  { error: "must say where the event comes from: stored, catalog or json" },
);
export type PreviewEventInput = z.output<typeof ZPreviewEvent>;

export const ZPreviewTemplate = z
  .object({
    channel: ZTemplateKind,
    content: z.record(z.string(), z.unknown()),
    /** a profile id, userId or anonymousId; omitted or null: the built-in sample profile */
    profileId: z.string().trim().min(1).max(200).nullish(),
    /** omitted or null: the sample event */
    event: ZPreviewEvent.nullish(),
  })
  .strict();

export interface TemplateSummary {
  id: string;
  name: string;
  /** a message channel, or "partial" / "layout" */
  channel: TemplateKind;
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
 * What a save answers: the template, and what rendering the saved content for the sample profile found
 * (e.g. a `| required` variable the sample lacks). Warnings, not errors: real profiles may have what the
 * sample lacks, so the version is stored all the same.
 */
export interface SavedTemplate extends TemplateDetail {
  warnings: FieldIssue[];
}

/**
 * Validates `content` for `channel` and parses its Liquid: a 422 naming every offending field
 * (content.<field>), schema problems and Liquid errors together.
 */
export function validateContent(channel: TemplateKind, content: unknown): TemplateContent {
  const result = CONTENT_SCHEMAS[channel].safeParse(content);
  const fields: FieldIssue[] = result.success
    ? []
    : zodIssuesToFields(result.error).map((f) => ({ ...f, path: f.path ? `content.${f.path}` : "content" }));
  const liquid = liquidIssues(channel, result.success ? result.data : content);
  const taken = new Set(fields.map((f) => f.path));
  fields.push(...liquid.filter((f) => !taken.has(f.path)));
  if (fields.length || !result.success)
    throw AppError.validation(fields.length ? fields : [{ path: "content", message: "Invalid content" }]);
  return result.data;
}

const notFound = () => new AppError("not_found", "No such template in this workspace.");

async function load(ctx: WorkspaceContext, id: string) {
  if (!z.uuid().safeParse(id).success) throw notFound();
  const template = await db().messageTemplate.findFirst({
    where: { id, workspaceId: ctx.workspace.id },
    include: {
      versions: {
        orderBy: { version: "desc" },
        select: { version: true, content: true, createdAt: true, createdByLabel: true },
      },
    },
  });
  if (!template) throw notFound();
  return template;
}

function summary(t: {
  id: string;
  name: string;
  channel: string;
  currentVersion: number;
  archivedAt: Date | null;
  updatedAt: Date;
}): TemplateSummary {
  return {
    id: t.id,
    name: t.name,
    channel: t.channel as TemplateKind,
    currentVersion: t.currentVersion,
    archived: t.archivedAt !== null,
    updatedAt: t.updatedAt.toISOString(),
  };
}

function detail(t: Awaited<ReturnType<typeof load>>): TemplateDetail {
  return {
    ...summary(t),
    content: (t.versions[0]?.content as TemplateContent | undefined) ?? null,
    versions: t.versions.map((v) => ({
      version: v.version,
      createdAt: v.createdAt.toISOString(),
      createdBy: v.createdByLabel,
    })),
  };
}

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
  });
  return rows.map(summary);
}

export async function getTemplate(ctx: WorkspaceContext, id: string): Promise<TemplateDetail> {
  requirePermission(ctx, "workspace:read");
  return detail(await load(ctx, id));
}

/** The content of one version (what a journey version sends). */
export async function getTemplateVersion(
  ctx: WorkspaceContext,
  id: string,
  version: number,
): Promise<{ channel: TemplateKind; version: number; content: TemplateContent }> {
  requirePermission(ctx, "workspace:read");
  const template = await load(ctx, id);
  const found = template.versions.find((v) => v.version === version);
  if (!found) throw new AppError("not_found", `The template has no version ${version}.`);
  return { channel: template.channel as TemplateKind, version, content: found.content as TemplateContent };
}

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
  const partialRows = await db().$queryRaw<{ name: string; content: { body: string } }[]>`
    SELECT DISTINCT ON (t.id) t.name, v.content FROM "MessageTemplate" t JOIN "MessageTemplateVersion" v ON v."templateId" = t.id
     WHERE t."workspaceId" = ${workspaceId}::uuid AND t.channel = 'partial' AND t."archivedAt" IS NULL AND v."createdAt" <= ${at}
     ORDER BY t.id, v.version DESC`;
  const partials: Partials = Object.fromEntries(partialRows.map((r) => [r.name, r.content.body]));
  const layout = layoutId ? await templateVersionAt(workspaceId, layoutId, at) : null;
  return { partials, layoutHtml: layout?.channel === "layout" ? (layout.content as { html: string }).html : null };
}

/** An email's layout must be a layout of the same workspace. */
async function assertLayout(ctx: WorkspaceContext, channel: TemplateKind, content: TemplateContent): Promise<void> {
  const layoutId = channel === "email" ? (content as { layoutId?: string }).layoutId : undefined;
  if (!layoutId) return;
  const layout = await db().messageTemplate.findFirst({
    where: {
      id: layoutId,
      workspaceId: ctx.workspace.id,
      channel: "layout",
      archivedAt: null,
      currentVersion: { gt: 0 },
    },
    select: { id: true },
  });
  if (!layout) throw AppError.field("content.layoutId", "is not a saved email layout of this workspace");
}

/**
 * Every partial the content includes by name must exist, and so must every partial those include, without a
 * loop; otherwise a 422 names the field and the partial. A name taken from a variable is checked when
 * rendering. `selfName`: the partial being saved, whose new body stands in for its stored one.
 */
async function assertPartialsExist(
  ctx: WorkspaceContext,
  kind: TemplateKind,
  content: TemplateContent,
  partials: Partials,
  selfName?: string,
): Promise<void> {
  const sources = new Map<string, string>(Object.entries(partials));
  if (selfName !== undefined) sources.set(selfName, (content as { body: string }).body);
  const referencesCache = new Map<string, string[]>();
  const referencesOf = (name: string): string[] => {
    let names = referencesCache.get(name);
    if (!names) {
      const parsed = parseLiquid(sources.get(name) ?? "");
      names = parsed.ok ? partialReferences(parsed.template) : [];
      referencesCache.set(name, names);
    }
    return names;
  };
  let others: { name: string; archivedAt: Date | null; currentVersion: number }[] | null = null;
  const whyMissing = async (name: string): Promise<string> => {
    others ??= await db().messageTemplate.findMany({
      where: { workspaceId: ctx.workspace.id, channel: "partial" },
      select: { name: true, archivedAt: true, currentVersion: true },
    });
    const rows = others.filter((o) => o.name === name);
    if (rows.some((o) => o.archivedAt === null)) return "which has no saved version yet";
    if (rows.length) return "which is archived";
    return "which does not exist";
  };
  // Depth first from each included name; `chain` is the path of includes that led here.
  const problemWith = async (chain: string[]): Promise<string | null> => {
    const name = chain[chain.length - 1];
    const said = chain.map((n, i) => `${i ? "which uses " : "uses "}the partial '${n}'`).join(", ");
    if (chain.indexOf(name) < chain.length - 1) return `${said} again: partials cannot include each other in a loop`;
    if (selfName !== undefined && name === selfName)
      return `${said}, which is this partial: a partial cannot include itself`;
    if (!sources.has(name)) return `${said}, ${await whyMissing(name)}`;
    for (const next of referencesOf(name)) {
      const problem = await problemWith([...chain, next]);
      if (problem) return problem;
    }
    return null;
  };
  const fields: FieldIssue[] = [];
  for (const { field, source } of liquidSources(kind, content)) {
    const parsed = parseLiquid(source);
    if (!parsed.ok) continue; // validateContent refused it already
    for (const name of partialReferences(parsed.template)) {
      const problem = await problemWith([name]);
      if (problem) {
        fields.push({ path: `content.${field}`, message: problem });
        break;
      }
    }
  }
  if (fields.length) throw AppError.validation(fields);
}

/**
 * Render failures for the sample profile, as warnings: the content parses and its partials exist, so what
 * fails depends on who it is rendered for. A webhook template's JSON body that the sample renders to
 * something that is not JSON warns too (a value with a quote in it can do that to one person and not another).
 */
async function sampleWarnings(
  kind: TemplateKind,
  content: TemplateContent,
  assets: RenderAssets,
): Promise<FieldIssue[]> {
  const scope = kind === "webhook" ? previewWebhookScope(SAMPLE_SCOPE, null) : SAMPLE_SCOPE;
  const { fields, errors } = await renderIsolated(kind, content, scope, assets);
  const warnings = errors.map(({ path, message }) => {
    const required = /Missing required variable (.+)$/.exec(message);
    return {
      path,
      message: required
        ? `requires ${required[1]}, which the sample profile lacks: ${kind === "webhook" ? "a call for" : "a message to"} someone without it fails instead of going out`
        : `does not render for the sample profile: ${message}`,
    };
  });
  const problem =
    kind === "webhook" && (content as WebhookContent).contentType === "json" && fields.body !== undefined
      ? jsonProblem(fields.body)
      : null;
  if (problem)
    warnings.push({
      path: "content.body",
      message: `renders to something that is not JSON for the sample profile (${problem}); a call whose body is not JSON fails. Inside JSON write {{ profile.traits.name | json }}, without quotes around it`,
    });
  return warnings;
}

/**
 * A JSON webhook body that is not JSON whatever it is rendered for (it has no Liquid at all) is refused; one
 * with Liquid only warns (sampleWarnings), since the sample is not everyone.
 */
function assertJsonBody(kind: TemplateKind, content: TemplateContent): void {
  if (kind !== "webhook") return;
  const { contentType, body } = content as WebhookContent;
  if (contentType !== "json" || !isConstantLiquid(body)) return;
  const problem = jsonProblem(body);
  if (problem)
    throw AppError.field(
      "content.body",
      `is not JSON (${problem}); choose the form or text content type for other bodies`,
    );
}

/** The checks a save makes against the workspace (see assertLayout, assertPartialsExist), then the sample render's warnings. */
async function checkAgainstWorkspace(
  ctx: WorkspaceContext,
  kind: TemplateKind,
  content: TemplateContent,
  selfName?: string,
): Promise<FieldIssue[]> {
  await assertLayout(ctx, kind, content);
  assertJsonBody(kind, content);
  const assets = await renderAssetsAt(
    ctx.workspace.id,
    new Date(),
    kind === "email" ? (content as { layoutId?: string }).layoutId : null,
  );
  await assertPartialsExist(ctx, kind, content, assets.partials ?? {}, selfName);
  return sampleWarnings(
    kind,
    content,
    selfName === undefined
      ? assets
      : { ...assets, partials: { ...assets.partials, [selfName]: (content as { body: string }).body } },
  );
}

async function assertPartialNameFree(ctx: WorkspaceContext, name: string, exceptId?: string): Promise<void> {
  const taken = await db().messageTemplate.findFirst({
    where: {
      workspaceId: ctx.workspace.id,
      channel: "partial",
      name,
      archivedAt: null,
      ...(exceptId ? { id: { not: exceptId } } : {}),
    },
    select: { id: true },
  });
  if (taken) throw AppError.field("name", `Another partial is already named "${name}"`);
}

export async function createTemplate(
  ctx: WorkspaceContext,
  input: z.input<typeof ZCreateTemplate>,
): Promise<SavedTemplate> {
  requirePermission(ctx, "content:write");
  const { name, channel, content } = parseInput(ZCreateTemplate, input);
  const validated = content === undefined ? null : validateContent(channel, content);
  if (channel === "partial") await assertPartialNameFree(ctx, name);
  const warnings = validated
    ? await checkAgainstWorkspace(ctx, channel, validated, channel === "partial" ? name : undefined)
    : [];
  const created = await db().$transaction(async (tx) => {
    const template = await tx.messageTemplate.create({
      data: { workspaceId: ctx.workspace.id, name, channel, currentVersion: validated ? 1 : 0 },
    });
    if (validated) {
      await tx.messageTemplateVersion.create({
        data: {
          templateId: template.id,
          version: 1,
          content: validated as Prisma.InputJsonValue,
          createdByLabel: actorLabel(ctx.actor),
        },
      });
    }
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "template.created",
      targetType: "template",
      targetId: template.id,
      summary: `Created the ${CHANNEL_LABELS[channel]} template "${name}"`,
    });
    return template;
  });
  return { ...(await getTemplate(ctx, created.id)), warnings };
}

/** Saves new content as the next version. */
export async function saveTemplate(
  ctx: WorkspaceContext,
  id: string,
  input: z.input<typeof ZSaveTemplate>,
): Promise<SavedTemplate> {
  requirePermission(ctx, "content:write");
  const { content } = parseInput(ZSaveTemplate, input);
  const template = await load(ctx, id);
  if (template.archivedAt) throw new AppError("conflict", "This template is archived; restore it to edit it.");
  const validated = validateContent(template.channel as TemplateKind, content);
  const warnings = await checkAgainstWorkspace(
    ctx,
    template.channel as TemplateKind,
    validated,
    template.channel === "partial" ? template.name : undefined,
  );
  await db().$transaction(async (tx) => {
    // compare-and-set on the version number: two saves at once cannot both become vN
    const bumped = await tx.messageTemplate.updateMany({
      where: { id, currentVersion: template.currentVersion },
      data: { currentVersion: { increment: 1 } },
    });
    if (bumped.count !== 1)
      throw new AppError("conflict", "Someone saved this template at the same time; reload it and save again.");
    const version = template.currentVersion + 1;
    await tx.messageTemplateVersion.create({
      data: {
        templateId: id,
        version,
        content: validated as Prisma.InputJsonValue,
        createdByLabel: actorLabel(ctx.actor),
      },
    });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "template.saved",
      targetType: "template",
      targetId: id,
      summary: `Saved "${template.name}" as v${version}`,
      metadata: { version },
    });
  });
  return { ...(await getTemplate(ctx, id)), warnings };
}

export async function renameTemplate(
  ctx: WorkspaceContext,
  id: string,
  input: z.input<typeof ZRenameTemplate>,
): Promise<TemplateDetail> {
  requirePermission(ctx, "content:write");
  const { name } = parseInput(ZRenameTemplate, input);
  const template = await load(ctx, id);
  if (template.name !== name && template.channel === "partial") {
    if (!PARTIAL_NAME.test(name)) throw AppError.field("name", PARTIAL_NAME_RULE);
    await assertPartialNameFree(ctx, name, id);
  }
  if (template.name !== name) {
    await db().$transaction(async (tx) => {
      await tx.messageTemplate.update({ where: { id }, data: { name } });
      await recordAudit(tx, {
        workspaceId: ctx.workspace.id,
        actor: ctx.actor,
        action: "template.renamed",
        targetType: "template",
        targetId: id,
        summary: `Renamed the template "${template.name}" to "${name}"`,
      });
    });
  }
  return getTemplate(ctx, id);
}

async function setArchived(ctx: WorkspaceContext, id: string, archived: boolean): Promise<TemplateDetail> {
  requirePermission(ctx, "content:write");
  const template = await load(ctx, id);
  if ((template.archivedAt !== null) === archived)
    throw new AppError("conflict", archived ? "This template is already archived." : "This template is not archived.");
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

export interface PreviewResult {
  profile: { id: string | null; label: string; sample: boolean };
  fields: Record<string, string>;
  missingVariables: string[];
  errors: FieldIssue[];
  /** webhook templates: a JSON body that renders to something that is not JSON */
  warnings?: FieldIssue[];
}

/**
 * The event a preview renders with: the sample order when none is chosen; else the stored event (of this
 * workspace only), the newest event of a catalog name, or the typed JSON (a 422 naming event.properties when it
 * does not parse or is not an object).
 */
export async function previewEvent(
  ctx: WorkspaceContext,
  event: PreviewEventInput | null | undefined,
): Promise<RenderScope["event"]> {
  if (!event) return SAMPLE_SCOPE.event;
  if (event.source === "json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(event.properties);
    } catch (error) {
      throw AppError.field("event.properties", `is not valid JSON: ${(error as Error).message}`);
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
      throw AppError.field("event.properties", 'must be a JSON object, e.g. {"items": []}');
    return { name: event.name || null, properties: parsed as Record<string, unknown> };
  }
  const row =
    event.source === "stored"
      ? await db().event.findFirst({
          where: { id: BigInt(event.id), workspaceId: ctx.workspace.id },
          select: { name: true, properties: true },
        })
      : await db().event.findFirst({
          where: { workspaceId: ctx.workspace.id, name: event.name },
          orderBy: { receivedAt: "desc" },
          select: { name: true, properties: true },
        });
  if (!row)
    throw AppError.field(
      event.source === "stored" ? "event.id" : "event.name",
      event.source === "stored"
        ? "is not an event of this workspace"
        : `no "${event.name}" event was received in this workspace`,
    );
  return { name: row.name, properties: (row.properties ?? {}) as Record<string, unknown> };
}

/** The scope a profile renders with in the editor: its traits, the chosen event (or the sample's) and sample journey context. */
export async function previewScope(
  ctx: WorkspaceContext,
  profileId: string | null | undefined,
  event?: PreviewEventInput | null,
): Promise<{ scope: RenderScope; profile: PreviewResult["profile"] }> {
  const scopeEvent = await previewEvent(ctx, event);
  if (!profileId)
    return {
      scope: { ...SAMPLE_SCOPE, event: scopeEvent },
      profile: { id: null, label: "Sample profile", sample: true },
    };
  const p = await getProfile(ctx, profileId);
  return {
    scope: {
      ...SAMPLE_SCOPE,
      event: scopeEvent,
      profile: { userId: p.userId, email: p.email, phone: p.phone, timezone: p.timezone, traits: p.traits },
    },
    profile: { id: p.id, label: p.email ?? p.userId ?? p.anonymousIds[0] ?? p.id, sample: false },
  };
}

/** Renders unsaved content for a profile (or the sample): rendered fields, missing variables, Liquid errors. */
export async function previewTemplate(
  ctx: WorkspaceContext,
  input: z.input<typeof ZPreviewTemplate>,
  clock: Clock = systemClock,
): Promise<PreviewResult> {
  requirePermission(ctx, "workspace:read");
  const { channel, content, profileId, event } = parseInput(ZPreviewTemplate, input);
  // each preview renders what the caller wrote, up to the render budget: a workspace gets a bounded share
  previewLimiter().take(ctx.workspace.id, clock(), "previews");
  const { scope, profile } = await previewScope(ctx, profileId, event);
  const layoutId =
    channel === "email" && typeof content.layoutId === "string" && z.uuid().safeParse(content.layoutId).success
      ? content.layoutId
      : null;
  const assets = await renderAssetsAt(ctx.workspace.id, new Date(), layoutId);
  if (channel === "webhook") return previewWebhook(content, previewWebhookScope(scope, profile.id), profile, assets);
  const { fields, errors } = await renderIsolated(channel, content, scope, assets);
  return { profile, fields, missingVariables: missingVariables(channel, content, scope, assets.partials), errors };
}

/**
 * A webhook template's preview, with the scope a journey's call renders with: the body (pretty-printed when it
 * is JSON, else a warning saying why it is not), each header, and the Content-Type the call carries.
 */
async function previewWebhook(
  content: Record<string, unknown>,
  scope: object,
  profile: PreviewResult["profile"],
  assets: RenderAssets,
): Promise<PreviewResult> {
  const { fields, errors } = await renderIsolated("webhook", content, scope, assets);
  const parsedType = ZWebhookContentType.safeParse(content.contentType ?? "json");
  const contentType = parsedType.success ? parsedType.data : "json";
  const warnings: FieldIssue[] = [];
  if (contentType === "json" && fields.body !== undefined && fields.body.trim()) {
    try {
      fields.body = JSON.stringify(JSON.parse(fields.body), null, 2);
    } catch (error) {
      warnings.push({
        path: "content.body",
        message: `This renders to something that is not JSON (${(error as Error).message}); a call with it would fail. Inside JSON, write {{ profile.traits.name | json }} without quotes around it.`,
      });
    }
  }
  return {
    profile,
    fields: { ...fields, contentType: WEBHOOK_CONTENT_TYPES[contentType] },
    missingVariables: missingVariables("webhook", content, scope, assets.partials),
    errors,
    warnings,
  };
}
const ZWebhookContentType = z.enum(Object.keys(WEBHOOK_CONTENT_TYPES) as [keyof typeof WEBHOOK_CONTENT_TYPES]);

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
