import { randomUUID } from "node:crypto";
import { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { type BannedHit, type BannedPhrase, bannedPhrasesOf, findBannedPhrases } from "../brand/banned-phrases";
import { db } from "../db/client";
import { AppError, parseInput } from "../errors";
import { parseLiquid, type TemplateKind } from "../messaging/liquid";
import { loadTemplate } from "../messaging/templates/template-views";
import { getProfile } from "../profiles/profiles";
import { type ChatMessage, chatCompletion } from "./client";
import { rememberDraftedTexts } from "./drafted-texts";

/**
 * AI drafts for the template editor: copy from a brief, a rewrite of one field, translations. Every draft is
 *   - written under a system prompt carrying the brand voice and the banned phrases;
 *   - asked for as a JSON object and parsed with zod (a model that answers prose is told so, not guessed at);
 *   - parsed with Cairn's own Liquid parser field by field: curly quotes inside {{ }} / {% %} (the usual model
 *     slip) are straightened and the field marked "repaired"; Liquid that still does not parse is marked "invalid"
 *     with the parser's error, and the editor will not insert it;
 *   - checked against the banned phrases, the hits returned with offsets for highlighting (never dropped);
 *   - remembered (drafted-texts.ts) so a save carrying it waits for approval even if the editor failed to say so.
 * Prompts carry no personal data: only the brief, the template's own text, and, when an admin allowed personal
 * data, the traits of the preview person the editor chose.
 */

export const DRAFT_FIELDS: Partial<Record<TemplateKind, { field: string; what: string; max: number }[]>> = {
  email: [
    { field: "subject", what: "the email's subject line (at most 90 characters)", max: 255 },
    { field: "preheader", what: "the preview text shown after the subject (at most 120 characters)", max: 255 },
    {
      field: "body",
      what: "the body copy as a simple HTML fragment (<p>, <strong>, <em>, <a href>, <ul>/<li> only)",
      max: 20_000,
    },
  ],
  sms: [{ field: "body", what: "the SMS text (at most 300 characters)", max: 1_600 }],
  push: [
    { field: "title", what: "the notification's title (at most 50 characters)", max: 200 },
    { field: "body", what: "the notification's text (at most 150 characters)", max: 1_000 },
  ],
  in_app: [
    { field: "title", what: "the message's title (at most 60 characters)", max: 200 },
    { field: "body", what: "the message's text (at most 400 characters)", max: 5_000 },
    { field: "cta.label", what: "the button's label (at most 25 characters)", max: 60 },
  ],
};

const text = (max: number, what: string) => z.string().trim().max(max, `${what} has at most ${max} characters`);

export const ZBrief = z
  .object({
    goal: text(500, "The goal").min(3, "Say what the message should achieve"),
    audience: text(300, "The audience").optional(),
    tone: text(100, "The tone").optional(),
    offer: text(300, "The offer").optional(),
  })
  .strict();

const ZContentContext = z.record(z.string(), z.unknown()).optional();
const ZTemplateId = z.uuid({ error: "must be a template's id" });

export const ZDraftRequest = z
  .object({
    templateId: ZTemplateId,
    brief: ZBrief,
    count: z.number().int().min(1).max(5, "At most 5 drafts at once").default(3),
    /** the editor's unsaved content, for context (default: the newest saved version) */
    content: ZContentContext,
    /** used only when an admin allowed personal data in prompts */
    previewProfileId: z.string().trim().min(1).max(200).nullish(),
  })
  .strict();

export const REWRITE_STYLES = { shorter: "shorter", friendlier: "friendlier", more_formal: "more formal" } as const;
export const ZRewriteRequest = z
  .object({
    templateId: ZTemplateId,
    field: z.string().max(40),
    text: z.string().min(1, "There is nothing to rewrite").max(20_000, "At most 20,000 characters"),
    style: z.enum(Object.keys(REWRITE_STYLES) as [keyof typeof REWRITE_STYLES], {
      error: "must be shorter, friendlier or more_formal",
    }),
  })
  .strict();

export type DraftLiquid = "ok" | "repaired" | "invalid";
export interface DraftField {
  field: string;
  text: string;
  liquid: DraftLiquid;
  /** what was repaired, or the parser's error */
  note?: string;
  banned: BannedHit[];
}
export interface Draft {
  id: string;
  fields: DraftField[];
}
export interface DraftUsage {
  promptTokens: number;
  completionTokens: number;
}

const CURLY = /[\u201c\u201d\u201e\u2033]/g;
const CURLY_SINGLE = /[\u2018\u2019\u201a\u2032]/g;

/** Parses a drafted field's Liquid; straightens curly quotes inside tags when that is what breaks it. */
export function checkDraftLiquid(source: string): { text: string; liquid: DraftLiquid; note?: string } {
  const parsed = parseLiquid(source);
  if (parsed.ok) return { text: source, liquid: "ok" };
  const straightened = source.replace(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g, (tag) =>
    tag.replace(CURLY, '"').replace(CURLY_SINGLE, "'"),
  );
  if (straightened !== source && parseLiquid(straightened).ok)
    return { text: straightened, liquid: "repaired", note: "Curly quotes inside Liquid tags were made straight." };
  return { text: source, liquid: "invalid", note: `The draft's Liquid does not parse: ${parsed.error}` };
}

export function checkDraftField(field: string, source: string, banned: BannedPhrase[]): DraftField {
  const checked = checkDraftLiquid(source);
  return {
    field,
    ...checked,
    banned: findBannedPhrases([{ field, text: checked.text }], banned),
  };
}

/** The Liquid variables the content uses ({{ profile.traits.first_name }} → profile.traits.first_name), at most 40. */
function variablesOf(content: unknown): string[] {
  const found = new Set<string>();
  const walk = (value: unknown) => {
    if (typeof value === "string") {
      for (const m of value.matchAll(/\{\{-?\s*([a-zA-Z_][\w.[\]'"-]*)/g)) if (found.size < 40) found.add(m[1]);
    } else if (value && typeof value === "object") {
      for (const inner of Object.values(value)) walk(inner);
    }
  };
  walk(content);
  return [...found];
}

interface Workspace {
  id: string;
  name: string;
  brandVoice: string;
  aiAllowPersonalData: boolean;
}

async function workspaceOf(ctx: WorkspaceContext): Promise<Workspace> {
  return db().workspace.findUniqueOrThrow({
    where: { id: ctx.workspace.id },
    select: { id: true, name: true, brandVoice: true, aiAllowPersonalData: true },
  });
}

export function systemPrompt(workspace: Pick<Workspace, "name" | "brandVoice">, banned: BannedPhrase[]): string {
  const lines = [
    `You write marketing and lifecycle message copy for "${workspace.name}".`,
    workspace.brandVoice.trim() ? `Brand voice:\n${workspace.brandVoice.trim()}` : "",
    banned.length
      ? `Never use these banned words or claims:\n${banned.map((b) => `- "${b.phrase}"${b.reason ? ` (${b.reason})` : ""}`).join("\n")}`
      : "",
    'The copy may use Liquid placeholders such as {{ profile.traits.first_name | default: "there" }}. Keep any placeholder you are given exactly as written, use straight quotes inside {{ }} and {% %}, and use no variable that is not listed as available.',
    "Answer with one JSON object only, no prose and no code fences.",
  ];
  return lines.filter(Boolean).join("\n\n");
}

/** The template's channel fields and the text the model sees of the current content (each field at most 4,000 characters). */
async function templateContext(ctx: WorkspaceContext, templateId: string, content?: Record<string, unknown>) {
  const template = await loadTemplate(ctx, templateId);
  const kind = template.channel as TemplateKind;
  const fields = DRAFT_FIELDS[kind];
  if (!fields)
    throw AppError.field("templateId", "AI drafts are for email, SMS, push and in-app templates, not this kind");
  const current = content ?? (template.versions[0]?.content as Record<string, unknown> | undefined) ?? {};
  const shown: Record<string, string> = {};
  for (const key of ["subject", "preheader", "title", "body", "html", "text"]) {
    const value = current[key];
    if (typeof value === "string" && value.trim()) shown[key] = value.slice(0, 4_000);
  }
  return { template, kind, fields, current, shown, variables: variablesOf(current) };
}

/** The preview person's traits, only when the admin allowed personal data in prompts (capped at 2 KB). */
async function personalData(
  ctx: WorkspaceContext,
  workspace: Workspace,
  previewProfileId: string | null | undefined,
): Promise<string | null> {
  if (!workspace.aiAllowPersonalData || !previewProfileId) return null;
  const profile = await getProfile(ctx, previewProfileId);
  return JSON.stringify(profile.traits ?? {}).slice(0, 2_048);
}

function parseJsonAnswer<S extends z.ZodType>(content: string, schema: S): z.output<S> {
  const stripped = content
    .trim()
    .replace(/^```(?:json)?\s*/i, "")
    .replace(/```$/, "")
    .trim();
  let json: unknown;
  try {
    json = JSON.parse(stripped);
  } catch {
    throw new AppError(
      "provider_error",
      "The model did not answer with the JSON asked for; try again, or choose a model that supports JSON output.",
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new AppError(
      "provider_error",
      `The model's JSON was not in the shape asked for (${parsed.error.issues[0]?.path.join(".") || "answer"}: ${parsed.error.issues[0]?.message}); try again.`,
    );
  return parsed.data;
}

const ZDraftAnswer = z.object({ drafts: z.array(z.record(z.string(), z.unknown())).min(1) });

function briefText(brief: z.output<typeof ZBrief>): string {
  return [
    `Goal: ${brief.goal}`,
    brief.audience ? `Audience: ${brief.audience}` : "",
    brief.tone ? `Tone: ${brief.tone}` : "",
    brief.offer ? `Offer: ${brief.offer}` : "",
  ]
    .filter(Boolean)
    .join("\n");
}

function toDrafts(
  workspaceId: string,
  raw: Record<string, unknown>[],
  fields: { field: string; max: number }[],
  banned: BannedPhrase[],
  count: number,
): Draft[] {
  const drafts = raw.slice(0, count).map((one) => ({
    id: randomUUID(),
    fields: fields.flatMap(({ field, max }) => {
      const value = one[field];
      if (typeof value !== "string" || !value.trim()) return [];
      const checked = checkDraftField(field, value.trim(), banned);
      if (checked.text.length > max)
        return [{ ...checked, liquid: "invalid" as const, note: `Longer than the field's ${max} characters.` }];
      return [checked];
    }),
  }));
  rememberDraftedTexts(
    workspaceId,
    drafts.flatMap((d) => d.fields.map((f) => f.text)),
  );
  return drafts.filter((d) => d.fields.length);
}

/** Drafts the channel's fields from a brief: `count` alternatives, each checked (Liquid, banned phrases). */
export async function draftCopy(
  ctx: WorkspaceContext,
  input: unknown,
  options: { now?: Date; timeoutMs?: number } = {},
): Promise<{ drafts: Draft[]; usage: DraftUsage; personalData: boolean }> {
  requirePermission(ctx, "content:write");
  const request = parseInput(ZDraftRequest, input);
  const workspace = await workspaceOf(ctx);
  const context = await templateContext(ctx, request.templateId, request.content);
  const banned = await bannedPhrasesOf(ctx.workspace.id);
  const person = await personalData(ctx, workspace, request.previewProfileId);
  const messages: ChatMessage[] = [
    { role: "system", content: systemPrompt(workspace, banned) },
    {
      role: "user",
      content: [
        `Write ${request.count} different drafts of a ${context.kind === "in_app" ? "in-app message" : context.kind === "sms" ? "SMS" : context.kind === "push" ? "push notification" : "email"} named "${context.template.name}".`,
        briefText(request.brief),
        `Each draft has these fields:\n${context.fields.map((f) => `- "${f.field}": ${f.what}`).join("\n")}`,
        context.variables.length
          ? `Available Liquid variables: ${context.variables.join(", ")}`
          : 'Available Liquid variables: profile.traits.first_name (may be missing: add | default: "there")',
        Object.keys(context.shown).length
          ? `The current content, for reference:\n${JSON.stringify(context.shown)}`
          : "",
        person ? `The person this preview is for (their traits): ${person}` : "",
        `Answer {"drafts": [ { ${context.fields.map((f) => `"${f.field}": "…"`).join(", ")} }, … ]}.`,
      ]
        .filter(Boolean)
        .join("\n\n"),
    },
  ];
  const answer = await chatCompletion(ctx.workspace.id, messages, {
    json: true,
    maxTokens: 600 * request.count + (context.kind === "email" ? 800 * request.count : 0),
    now: options.now,
    timeoutMs: options.timeoutMs,
  });
  const raw = parseJsonAnswer(answer.content, ZDraftAnswer).drafts;
  return {
    drafts: toDrafts(ctx.workspace.id, raw, context.fields, banned, request.count),
    usage: answer.usage,
    personalData: person !== null,
  };
}

const ZRewriteAnswer = z.object({ text: z.string().min(1) });

/** Rewrites one field's text shorter, friendlier or more formal, keeping its Liquid. */
export async function rewriteField(
  ctx: WorkspaceContext,
  input: unknown,
  options: { now?: Date; timeoutMs?: number } = {},
): Promise<{ field: DraftField; usage: DraftUsage }> {
  requirePermission(ctx, "content:write");
  const request = parseInput(ZRewriteRequest, input);
  const workspace = await workspaceOf(ctx);
  const template = await loadTemplate(ctx, request.templateId);
  const known = [...(DRAFT_FIELDS[template.channel as TemplateKind] ?? []).map((f) => f.field), "html", "text"];
  if (!known.includes(request.field))
    throw AppError.field("field", `must be one of this template's text fields: ${known.join(", ")}`);
  const banned = await bannedPhrasesOf(ctx.workspace.id);
  const answer = await chatCompletion(
    ctx.workspace.id,
    [
      { role: "system", content: systemPrompt(workspace, banned) },
      {
        role: "user",
        content: `Rewrite this ${request.field} to be ${REWRITE_STYLES[request.style]}. Keep its meaning, its HTML tags and every Liquid placeholder exactly. Answer {"text": "…"}.\n\n${request.text}`,
      },
    ],
    {
      json: true,
      maxTokens: Math.min(4_000, Math.ceil(request.text.length / 2) + 200),
      now: options.now,
      timeoutMs: options.timeoutMs,
    },
  );
  const { text: rewritten } = parseJsonAnswer(answer.content, ZRewriteAnswer);
  const field = checkDraftField(request.field, rewritten.trim(), banned);
  rememberDraftedTexts(ctx.workspace.id, [field.text]);
  return { field, usage: answer.usage };
}

export { templateContext, parseJsonAnswer, workspaceOf, briefText };
