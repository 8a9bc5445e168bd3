import type { WorkspaceContext } from "../auth/context";
import { db } from "../db/client";
import { AppError, type FieldIssue } from "../errors";
import { literalAddressProblem } from "../security/outbound";
import type { BroadcastVariant, BroadcastWebhook } from "./schemas";

const CHANNEL_NAMES: Record<string, string> = {
  email: "an email",
  sms: "an SMS",
  push: "a push",
  in_app: "an in-app",
  webhook: "a webhook",
  partial: "a partial",
  layout: "an email layout",
};

/**
 * What a broadcast may reference: the workspace's segments that are not archived, templates of the
 * broadcast's channel (a webhook broadcast's: webhook templates), not archived, saved at least once, and, for a
 * webhook broadcast, a URL whose literal IP the outbound guard would not refuse (names are judged when called,
 * as journey webhook steps' are at publish: lib/engine/placeholders.ts). Another workspace's id reads as "no such" (it is not
 * found here), so nothing about it leaks. Every problem is a 422 naming the field (`segmentIds.0`,
 * `variants.1.templateId`).
 */
/** What of a draft names something that must exist and be usable. */
interface ReferencedByDraft {
  channel: string;
  segmentIds: string[];
  excludedSegmentIds: string[];
  variants: BroadcastVariant[];
  webhook?: BroadcastWebhook | null;
}

export async function checkBroadcastReferences(ctx: WorkspaceContext, draft: ReferencedByDraft): Promise<void> {
  const issues = await referenceProblems(ctx, draft);
  if (issues.length) throw AppError.validation(issues);
}

export async function referenceProblems(ctx: WorkspaceContext, draft: ReferencedByDraft): Promise<FieldIssue[]> {
  const segmentIds = [...draft.segmentIds, ...draft.excludedSegmentIds];
  const templateIds = draft.variants.map((v) => v.templateId);
  const [segments, templates] = await Promise.all([
    segmentIds.length
      ? db().segment.findMany({
          where: { workspaceId: ctx.workspace.id, id: { in: segmentIds } },
          select: { id: true, name: true, archivedAt: true },
        })
      : [],
    templateIds.length
      ? db().messageTemplate.findMany({
          where: { workspaceId: ctx.workspace.id, id: { in: templateIds } },
          select: { id: true, name: true, channel: true, archivedAt: true, currentVersion: true },
        })
      : [],
  ]);
  const segmentById = new Map(segments.map((s) => [s.id, s]));
  const templateById = new Map(templates.map((t) => [t.id, t]));
  const issues: FieldIssue[] = [];
  const blocked = draft.webhook ? literalAddressProblem(draft.webhook.url) : null;
  if (blocked) issues.push({ path: "webhook.url", message: blocked });
  for (const field of ["segmentIds", "excludedSegmentIds"] as const) {
    draft[field].forEach((id, i) => {
      const segment = segmentById.get(id);
      if (!segment) issues.push({ path: `${field}.${i}`, message: "is not a segment of this workspace" });
      else if (segment.archivedAt) issues.push({ path: `${field}.${i}`, message: `"${segment.name}" is archived` });
    });
  }
  draft.variants.forEach((v, i) => {
    const path = `variants.${i}.templateId`;
    const t = templateById.get(v.templateId);
    if (!t) issues.push({ path, message: "is not a template of this workspace" });
    else if (t.archivedAt) issues.push({ path, message: `the template "${t.name}" is archived` });
    else if (t.channel !== draft.channel)
      issues.push({
        path,
        message: `the template "${t.name}" is ${CHANNEL_NAMES[t.channel] ?? t.channel} template; this broadcast sends ${draft.channel}`,
      });
    else if (t.currentVersion === 0)
      issues.push({ path, message: `the template "${t.name}" has no saved version yet` });
  });
  return issues;
}
