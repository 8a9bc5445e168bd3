import { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { AppError, parseInput } from "../errors";
import { createTemplate } from "../messaging/templates/create-template";
import { getTemplate } from "../messaging/templates/read-templates";
import { saveTemplate } from "../messaging/templates/save-template";
import { ZTemplateName } from "../messaging/templates/schemas";
import { type Draft, type DraftUsage, draftCopy, ZBrief } from "./drafts";

/**
 * "Variants for an A/B split" in one click: the model drafts N alternatives, and each becomes a sibling template
 * "<name> — variant B", "— variant C" … holding the original's content with the drafted subject and preheader (an
 * email: its body stays the tested one, so the split measures the subject line) or the drafted text fields (SMS,
 * push, in-app). Each is saved as AI-drafted, so it waits for approval and cannot be sent until approved; then it
 * is ready for a journey's split node or a broadcast's variants. A drafted field whose Liquid does not parse is not
 * used (the original's stays), and said.
 */

export const ZVariantsRequest = z
  .object({
    templateId: z.uuid({ error: "must be a template's id" }),
    brief: ZBrief,
    count: z.number().int().min(1).max(3, "At most 3 variants at once").default(1),
  })
  .strict();

/** The fields a variant takes from its draft, per channel (an email's body is not varied). */
const VARIED: Record<string, string[]> = {
  email: ["subject", "preheader"],
  sms: ["body"],
  push: ["title", "body"],
  in_app: ["title", "body", "cta.label"],
};

function withField(content: Record<string, unknown>, path: string, value: string): Record<string, unknown> {
  const [head, ...rest] = path.split(".");
  if (!rest.length) return { ...content, [head]: value };
  const inner = (content[head] as Record<string, unknown> | undefined) ?? {};
  return { ...content, [head]: withField(inner, rest.join("."), value) };
}

export interface CreatedVariant {
  templateId: string;
  name: string;
  version: number;
  draft: Draft;
  /** drafted fields left out because their Liquid did not parse */
  skipped: string[];
}

export async function createVariants(
  ctx: WorkspaceContext,
  input: unknown,
  options: { now?: Date; timeoutMs?: number } = {},
): Promise<{ variants: CreatedVariant[]; usage: DraftUsage }> {
  requirePermission(ctx, "content:write");
  const request = parseInput(ZVariantsRequest, input);
  const original = await getTemplate(ctx, request.templateId);
  if (original.archived) throw new AppError("conflict", "This template is archived; restore it to make variants.");
  if (!original.content) throw AppError.field("templateId", "Save the template once before making variants of it");
  const varied = VARIED[original.channel];
  if (!varied)
    throw AppError.field("templateId", "Variants are for email, SMS, push and in-app templates, not this kind");
  const { drafts, usage } = await draftCopy(
    ctx,
    { templateId: request.templateId, brief: request.brief, count: request.count },
    options,
  );
  const variants: CreatedVariant[] = [];
  for (const [i, draft] of drafts.entries()) {
    let content = { ...(original.content as Record<string, unknown>) };
    const skipped: string[] = [];
    for (const field of draft.fields) {
      if (!varied.includes(field.field)) continue;
      if (field.liquid === "invalid") skipped.push(field.field);
      else content = withField(content, field.field, field.text);
    }
    const letter = String.fromCharCode(66 + i); // B, C, D: the original is A
    const suffix = ` — variant ${letter}`;
    const name = ZTemplateName.parse(`${original.name.slice(0, 120 - suffix.length)}${suffix}`);
    const created = await createTemplate(ctx, { name, channel: original.channel });
    const saved = await saveTemplate(ctx, created.id, { content, aiDrafted: true });
    variants.push({ templateId: created.id, name, version: saved.currentVersion, draft, skipped });
  }
  return { variants, usage };
}
