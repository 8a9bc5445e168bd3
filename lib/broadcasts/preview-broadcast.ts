import { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { db } from "../db/client";
import { pgPool } from "../db/pool";
import { AppError, parseInput } from "../errors";
import { type Channel, missingVariables, type WebhookContent } from "../messaging/liquid";
import { previewLimiter } from "../messaging/preview-rate-limit";
import { renderIsolated } from "../messaging/render-pool";
import { previewScope } from "../messaging/templates/preview-template";
import { renderAssetsAt, templateVersionAt } from "../messaging/templates/published-versions";
import { type Clock, systemClock } from "../runtime/clock";
import type { BroadcastPreview, BroadcastPreviewRecipient } from "./broadcast-views";
import { type BroadcastRow, findBroadcast, variantsOf, webhookOf } from "./read-broadcasts";
import { type BroadcastVariant, type BroadcastWebhook, ZPreviewBroadcast } from "./schemas";
import { broadcastWebhookScope, webhookBroadcastRequest } from "./send/webhook-send";
import { selectAudienceSample } from "./store/estimate";
import { prepareRender } from "../content/prepare-render";

/** A variant's template as it would be sent now: its newest live version (#20: a version awaiting approval is not sent). */
export async function variantContent(
  workspaceId: string,
  variant: BroadcastVariant,
): Promise<{ name: string | null; content: Record<string, unknown> | null }> {
  const template = await db().messageTemplate.findFirst({
    where: { id: variant.templateId, workspaceId },
    select: { name: true, currentVersion: true },
  });
  if (!template || template.currentVersion === 0) return { name: template?.name ?? null, content: null };
  const live = await templateVersionAt(workspaceId, variant.templateId, new Date());
  return { name: template.name, content: (live?.content ?? null) as Record<string, unknown> | null };
}

/** The variant named `key` (422 naming `variant` when there is none), or every variant when no key is given. */
export function chooseVariants(row: BroadcastRow, key: string | undefined): BroadcastVariant[] {
  const variants = variantsOf(row);
  if (key === undefined) return variants;
  const chosen = variants.filter((v) => v.key === key);
  if (!chosen.length)
    throw AppError.field("variant", `is not a variant of this broadcast (${variants.map((v) => v.key).join(", ")})`);
  return chosen;
}

/**
 * Each variant rendered for real recipients: the person the marketer picks, or the first few of the audience,
 * through the template preview's render path (previewScope, the render pool); Liquid errors per field. A webhook
 * broadcast's template renders with the scope its sends use (broadcastWebhookScope), and the preview adds the
 * request each person's message would make (method, URL, headers, body).
 */
export async function previewBroadcast(
  ctx: WorkspaceContext,
  id: string,
  input: z.input<typeof ZPreviewBroadcast> = {},
  clock: Clock = systemClock,
): Promise<BroadcastPreview> {
  requirePermission(ctx, "workspace:read");
  const { variant, profileId, limit } = parseInput(ZPreviewBroadcast, input);
  const row = await findBroadcast(ctx, id);
  const variants = chooseVariants(row, variant);
  previewLimiter().take(ctx.workspace.id, clock(), "previews");
  const profileIds = profileId
    ? [profileId]
    : await selectAudienceSample(pgPool(), ctx.workspace.id, row.segmentIds, row.excludedSegmentIds, limit);
  const scopes: Awaited<ReturnType<typeof previewScope>>[] = [];
  for (const pid of profileIds) {
    try {
      scopes.push(await previewScope(ctx, pid));
    } catch (error) {
      if (error instanceof AppError && error.code === "not_found" && profileId)
        throw AppError.field("profileId", "is not a person of this workspace");
      throw error;
    }
  }
  const channel = row.channel as Channel;
  const webhook = row.channel === "webhook" ? webhookOf(row) : null;
  const assets = await renderAssetsAt(ctx.workspace.id, clock());
  return {
    variants: await Promise.all(
      variants.map(async (v) => {
        const { name, content } = await variantContent(ctx.workspace.id, v);
        const recipients: BroadcastPreviewRecipient[] = [];
        for (const { scope, profile } of scopes) {
          const person = { id: profile.id!, label: profile.label };
          if (!content) {
            recipients.push({
              profile: person,
              fields: {},
              missingVariables: [],
              errors: [{ path: "templateId", message: "The template has no saved version, or none approved yet" }],
            });
            continue;
          }
          const layoutId =
            typeof content.layoutId === "string" && z.uuid().safeParse(content.layoutId).success
              ? content.layoutId
              : null;
          const layoutAssets = layoutId ? await renderAssetsAt(ctx.workspace.id, clock(), layoutId) : assets;
          const renderScope = webhook ? broadcastWebhookScope(row, v.key, { ...scope.profile, id: person.id }) : scope;
          // in the person's language, with what the template fetches (lib/content/prepare-render.ts)
          const prepared = await prepareRender<Record<string, unknown>, object>({
            workspaceId: ctx.workspace.id,
            profileId: person.id,
            traits: scope.profile.traits,
            channel,
            content,
            scope: renderScope,
            assets: layoutAssets,
            now: clock(),
          });
          const rendered = prepared.stop
            ? { fields: {}, errors: [{ path: "content", message: prepared.stop }] }
            : await renderIsolated(channel, prepared.content, prepared.scope, layoutAssets);
          const { fields, errors } = rendered;
          recipients.push({
            profile: person,
            fields,
            missingVariables: missingVariables(channel, prepared.content, prepared.scope, layoutAssets.partials),
            errors,
            ...(webhook ? previewRequest(webhook, content, fields, errors) : {}),
          });
        }
        return { key: v.key, templateId: v.templateId, templateName: name, recipients };
      }),
    ),
  };
}

/** The request a webhook broadcast's message would make for a person, or the reason it would not go (as an error). */
function previewRequest(
  webhook: BroadcastWebhook,
  content: Record<string, unknown>,
  fields: Record<string, string>,
  errors: BroadcastPreviewRecipient["errors"],
): Pick<BroadcastPreviewRecipient, "request" | "errors"> {
  if (errors.length) return { request: null, errors };
  const built = webhookBroadcastRequest(webhook, content as WebhookContent, fields);
  if (!built.ok) return { request: null, errors: [{ path: "content", message: built.reason }] };
  return { request: built.request, errors };
}
