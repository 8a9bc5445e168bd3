import { containsDraftedText } from "../ai/drafted-texts";
import { db } from "../db/client";
import { contentTexts } from "../brand/banned-phrases";
import type { TemplateKind } from "../messaging/liquid";

/**
 * Whether a version being saved waits for approval (#20), and whether it carries AI text. The rule:
 *   - aiDrafted: the editor says so (it sets `aiDrafted` once any AI text entered the form), or the content holds a
 *     text this process drafted for the workspace lately (lib/ai/drafted-texts.ts), or the version it was edited
 *     from (the newest) is AI-drafted and still waits: editing an unapproved draft does not launder it;
 *   - needsApproval: aiDrafted, or the workspace requires approval of every template change, or the newest version
 *     still waits for approval (a save on top of unapproved content is unapproved content).
 * A version that needs approval is not live: sends and publishes keep using the newest live one.
 */
export async function approvalForSave(
  workspaceId: string,
  templateId: string | null,
  kind: TemplateKind,
  content: unknown,
  editorSaysAi: boolean,
  now: number = Date.now(),
): Promise<{ aiDrafted: boolean; needsApproval: boolean }> {
  const [workspace, newest] = await Promise.all([
    db().workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { requireTemplateApproval: true } }),
    templateId
      ? db().messageTemplateVersion.findFirst({
          where: { templateId },
          orderBy: { version: "desc" },
          select: { aiDrafted: true, needsApproval: true, approvedAt: true },
        })
      : null,
  ]);
  const newestWaits = !!newest && newest.needsApproval && newest.approvedAt === null;
  const aiDrafted =
    editorSaysAi ||
    (newestWaits && newest.aiDrafted) ||
    containsDraftedText(
      workspaceId,
      contentTexts(kind, content).map((t) => t.text),
      now,
    );
  return { aiDrafted, needsApproval: aiDrafted || workspace.requireTemplateApproval || newestWaits };
}
