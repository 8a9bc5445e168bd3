import { writeWorkspaceSettings } from "../workspaces/write-workspace-settings";
import { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { ROLE_LABELS, type RoleName } from "../auth/permissions";
import { forgetBannedPhrases, type BannedPhrase, loadBannedPhrases, ZBannedPhrases } from "../brand/banned-phrases";
import { db, type Prisma } from "../db/client";
import { parseInput } from "../errors";
import { chatCompletion } from "./client";
import { type ProviderSummary, providerSecret, providerSummary } from "./provider";
import { type MonthUsage, monthUsage } from "./usage";

/**
 * Settings → AI (admins): the provider (provider.ts), the brand voice and banned phrases every draft is written
 * and checked against, whether prompts may carry the preview person's traits, the monthly token limit, and the
 * approval rule (require approval of every template change; the lowest role that approves).
 */

export const MAX_BRAND_VOICE = 4_000;
export const MAX_MONTHLY_TOKENS = 1_000_000_000;
export const APPROVER_ROLES = ["EDITOR", "ADMIN", "OWNER"] as const;

export const ZAiSettings = z
  .object({
    brandVoice: z.string().max(MAX_BRAND_VOICE, `At most ${MAX_BRAND_VOICE} characters`).optional(),
    bannedPhrases: ZBannedPhrases.optional(),
    aiAllowPersonalData: z.boolean({ error: "must be true or false" }).optional(),
    aiMonthlyTokenLimit: z
      .number({ error: "must be a number of tokens" })
      .int("must be a whole number of tokens")
      .min(0, "must be 0 (AI off) or more")
      .max(MAX_MONTHLY_TOKENS, `At most ${MAX_MONTHLY_TOKENS.toLocaleString("en")} tokens`)
      .optional(),
    requireTemplateApproval: z.boolean({ error: "must be true or false" }).optional(),
    templateApproveRole: z.enum(APPROVER_ROLES, { error: "must be EDITOR, ADMIN or OWNER" }).optional(),
  })
  .strict();

export interface AiSettings {
  provider: ProviderSummary | null;
  brandVoice: string;
  bannedPhrases: BannedPhrase[];
  aiAllowPersonalData: boolean;
  aiMonthlyTokenLimit: number;
  requireTemplateApproval: boolean;
  templateApproveRole: RoleName;
  usage: MonthUsage;
}

async function read(workspaceId: string, now: Date): Promise<AiSettings> {
  const [row, provider, usage, bannedPhrases] = await Promise.all([
    db().workspace.findUniqueOrThrow({
      where: { id: workspaceId },
      select: {
        brandVoice: true,
        aiAllowPersonalData: true,
        aiMonthlyTokenLimit: true,
        requireTemplateApproval: true,
        templateApproveRole: true,
      },
    }),
    providerSummary(workspaceId),
    monthUsage(workspaceId, now),
    loadBannedPhrases(workspaceId),
  ]);
  return { ...row, templateApproveRole: row.templateApproveRole as RoleName, provider, bannedPhrases, usage };
}

export async function getAiSettings(ctx: WorkspaceContext, now: Date = new Date()): Promise<AiSettings> {
  requirePermission(ctx, "settings:manage");
  return read(ctx.workspace.id, now);
}

/** What every member's editor needs: whether drafting is possible, and this month's usage. */
export async function getAiStatus(ctx: WorkspaceContext, now: Date = new Date()) {
  requirePermission(ctx, "workspace:read");
  const [provider, usage, row] = await Promise.all([
    providerSummary(ctx.workspace.id),
    monthUsage(ctx.workspace.id, now),
    db().workspace.findUniqueOrThrow({
      where: { id: ctx.workspace.id },
      select: { requireTemplateApproval: true, templateApproveRole: true, aiAllowPersonalData: true },
    }),
  ]);
  return {
    connected: provider !== null,
    model: provider?.model ?? null,
    usage,
    requireTemplateApproval: row.requireTemplateApproval,
    approverRole: row.templateApproveRole as RoleName,
    aiAllowPersonalData: row.aiAllowPersonalData,
  };
}

export async function updateAiSettings(
  ctx: WorkspaceContext,
  input: unknown,
  now: Date = new Date(),
): Promise<AiSettings> {
  requirePermission(ctx, "settings:manage");
  const changes = parseInput(ZAiSettings, input);
  const said: string[] = [];
  if (changes.brandVoice !== undefined) said.push("the brand voice");
  if (changes.bannedPhrases !== undefined) said.push(`the banned phrases (${changes.bannedPhrases.length})`);
  if (changes.aiAllowPersonalData !== undefined)
    said.push(changes.aiAllowPersonalData ? "allowed personal data in prompts" : "kept personal data out of prompts");
  if (changes.aiMonthlyTokenLimit !== undefined)
    said.push(`the monthly token limit (${changes.aiMonthlyTokenLimit.toLocaleString("en")})`);
  if (changes.requireTemplateApproval !== undefined)
    said.push(
      changes.requireTemplateApproval
        ? "required approval of every template change"
        : "no longer requires approval of every template change",
    );
  if (changes.templateApproveRole !== undefined)
    said.push(`approvers: ${ROLE_LABELS[changes.templateApproveRole]} or higher`);
  if (said.length)
    await writeWorkspaceSettings(ctx, {
      data: {
        ...changes,
        ...(changes.bannedPhrases ? { bannedPhrases: changes.bannedPhrases as Prisma.InputJsonValue } : {}),
      },
      action: "ai.settings_updated",
      summary: `AI and approval settings: ${said.join("; ")}`,
      metadata: changes as Prisma.InputJsonValue,
    });
  forgetBannedPhrases(ctx.workspace.id);
  return read(ctx.workspace.id, now);
}

/** "Test connection": one tiny call with the stored provider; answers what happened either way (and counts its tokens). */
export async function testAiConnection(
  ctx: WorkspaceContext,
  options: { timeoutMs?: number; now?: Date } = {},
): Promise<{ ok: true; model: string; reply: string; ms: number } | { ok: false; message: string }> {
  requirePermission(ctx, "settings:manage");
  const provider = await providerSecret(ctx.workspace.id);
  if (!provider) return { ok: false, message: "Connect a provider first: base URL, model and key." };
  const started = performance.now();
  try {
    const { content } = await chatCompletion(ctx.workspace.id, [{ role: "user", content: "Reply with the word OK." }], {
      maxTokens: 5,
      temperature: 0,
      provider,
      timeoutMs: options.timeoutMs,
      now: options.now,
    });
    return {
      ok: true,
      model: provider.model,
      reply: content.slice(0, 100),
      ms: Math.round(performance.now() - started),
    };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}
