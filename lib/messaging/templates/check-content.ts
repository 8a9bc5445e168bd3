import type { WorkspaceContext } from "../../auth/context";
import { assertCatalogsExist } from "../../catalogs/check-references";
import { checkTranslations, splitTranslations } from "../../content/locales/validate-translations";
import { db } from "../../db/client";
import { AppError, type FieldIssue, zodIssuesToFields } from "../../errors";
import {
  CONTENT_SCHEMAS,
  liquidIssues,
  liquidSources,
  parseLiquid,
  partialReferences,
  type Partials,
  type RenderAssets,
  SAMPLE_SCOPE,
  type TemplateContent,
  type TemplateKind,
  type WebhookContent,
} from "../liquid";
import { renderIsolated } from "../render-pool";
import { isConstantLiquid, jsonProblem, previewWebhookScope } from "../webhook-templates";
import { renderAssetsAt } from "./published-versions";

/**
 * The checks a save makes before it stores a version: the content's schema and Liquid (validateContent), then,
 * against the workspace, its layout, the partials it includes and a JSON body; a render for the sample profile
 * only warns.
 */

/**
 * Validates `content` for `channel` and parses its Liquid: a 422 naming every offending field
 * (content.<field>), schema problems and Liquid errors together.
 */
export function validateContent(channel: TemplateKind, content: unknown): TemplateContent {
  // translations (lib/content/locales) are checked on their own; the channel's strict schema sees the rest
  const { translations, rest } = splitTranslations(content);
  const result = CONTENT_SCHEMAS[channel].safeParse(rest);
  const fields: FieldIssue[] = result.success
    ? []
    : zodIssuesToFields(result.error).map((f) => ({ ...f, path: f.path ? `content.${f.path}` : "content" }));
  const liquid = liquidIssues(channel, result.success ? result.data : rest);
  const taken = new Set(fields.map((f) => f.path));
  fields.push(...liquid.filter((f) => !taken.has(f.path)));
  const translated = translations === undefined ? null : checkTranslations(channel, translations);
  if (translated) fields.push(...translated.issues);
  if (fields.length || !result.success)
    throw AppError.validation(fields.length ? fields : [{ path: "content", message: "Invalid content" }]);
  return translated && Object.keys(translated.translations).length
    ? ({ ...result.data, translations: translated.translations } as unknown as TemplateContent)
    : result.data;
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
export async function checkAgainstWorkspace(
  ctx: WorkspaceContext,
  kind: TemplateKind,
  content: TemplateContent,
  selfName?: string,
): Promise<FieldIssue[]> {
  await assertLayout(ctx, kind, content);
  assertJsonBody(kind, content);
  await assertCatalogsExist(ctx.workspace.id, kind, content);
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

export async function assertPartialNameFree(ctx: WorkspaceContext, name: string, exceptId?: string): Promise<void> {
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
