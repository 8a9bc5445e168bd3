import { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../../auth/context";
import { normalizeLocale } from "../../content/locales/locale-chain";
import { prepareRender, type RenderTrace } from "../../content/prepare-render";
import { db } from "../../db/client";
import { AppError, type FieldIssue, parseInput } from "../../errors";
import { getProfile } from "../../profiles/profiles";
import { type Clock, systemClock } from "../../runtime/clock";
import { missingVariables, type RenderAssets, type RenderScope, SAMPLE_SCOPE, WEBHOOK_CONTENT_TYPES } from "../liquid";
import { previewLimiter } from "../preview-rate-limit";
import { renderIsolated } from "../render-pool";
import { previewWebhookScope } from "../webhook-templates";
import { renderAssetsAt } from "./published-versions";
import { type PreviewEventInput, ZPreviewTemplate } from "./schemas";

export interface PreviewResult {
  profile: { id: string | null; label: string; sample: boolean };
  fields: Record<string, string>;
  missingVariables: string[];
  errors: FieldIssue[];
  /** webhook templates: a JSON body that renders to something that is not JSON */
  warnings?: FieldIssue[];
  /** which locale rendered and why, what was fetched (lib/content/prepare-render.ts) */
  trace?: RenderTrace;
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
  const { channel, content, profileId, event, locale } = parseInput(ZPreviewTemplate, input);
  const forceLocale = locale ? normalizeLocale(locale) : null;
  if (locale && !forceLocale) throw AppError.field("locale", "is not a language tag, e.g. de or pt-BR");
  // each preview renders what the caller wrote, up to the render budget: a workspace gets a bounded share
  previewLimiter().take(ctx.workspace.id, clock(), "previews");
  const { scope, profile } = await previewScope(ctx, profileId, event);
  const layoutId =
    channel === "email" && typeof content.layoutId === "string" && z.uuid().safeParse(content.layoutId).success
      ? content.layoutId
      : null;
  const assets = await renderAssetsAt(ctx.workspace.id, new Date(), layoutId);
  if (channel === "webhook") return previewWebhook(content, previewWebhookScope(scope, profile.id), profile, assets);
  // in the chosen locale, or the profile's own (lib/content/prepare-render.ts)
  const prepared = await prepareRender({
    workspaceId: ctx.workspace.id,
    profileId: profile.id,
    traits: scope.profile.traits,
    channel,
    content,
    scope,
    assets,
    now: clock(),
    forceLocale,
  });
  if (prepared.stop) throw AppError.field("content", prepared.stop);
  const { fields, errors } = await renderIsolated(channel, prepared.content, prepared.scope, assets);
  return {
    profile,
    fields,
    missingVariables: missingVariables(channel, prepared.content, prepared.scope, assets.partials),
    errors,
    ...(prepared.trace ? { trace: prepared.trace } : {}),
  };
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
