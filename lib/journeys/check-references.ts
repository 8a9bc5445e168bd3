import { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { db } from "../db/client";
import { webhookLiquidProblems } from "../engine/placeholders";
import type { Channel } from "../messaging/liquid";
import { sendableTemplates } from "../messaging/templates/read-templates";
import { predictionProblems, predictionReferences } from "../predictions/rules-references";
import { NODE_CONFIGS } from "./graph";
import { type JourneyReferences, validateJourney } from "./validate";

/**
 * What a published journey may reference: the workspace's templates that are not archived and were saved at
 * least once, and its segments that are not archived.
 */
const MESSAGE_CHANNELS: Record<string, Channel> = {
  "action.email": "email",
  "action.sms": "sms",
  "action.push": "push",
  "action.in_app": "in_app",
};
const CHANNEL_NAMES: Record<Channel, string> = { email: "email", sms: "SMS", push: "push", in_app: "in-app" };
async function referencesOf(
  ctx: WorkspaceContext,
): Promise<JourneyReferences & { templateChannels: Map<string, Channel> }> {
  requirePermission(ctx, "workspace:read");
  const templates = await sendableTemplates(ctx);
  const segments = await db().segment.findMany({
    where: { workspaceId: ctx.workspace.id, archivedAt: null },
    select: { id: true },
  });
  return {
    templateIds: new Set(templates.map((t) => t.id)),
    segmentIds: new Set(segments.map((s) => s.id)),
    templateChannels: new Map(templates.map((t) => [t.id, t.channel])),
  };
}

/**
 * Why a webhook step cannot use the template `templateId`, or null when it can: a webhook template of this
 * workspace, not archived, saved at least once.
 */
async function webhookTemplateProblems(ctx: WorkspaceContext, templateIds: string[]): Promise<Map<string, string>> {
  const problems = new Map<string, string>(
    templateIds.map((id) => [id, `no template with id "${id}" in this workspace`]),
  );
  const ids = templateIds.filter((id) => z.uuid().safeParse(id).success);
  if (!ids.length) return problems;
  const rows = await db().messageTemplate.findMany({
    where: { workspaceId: ctx.workspace.id, id: { in: ids } },
    select: { id: true, name: true, channel: true, archivedAt: true, currentVersion: true },
  });
  for (const t of rows) {
    if (t.channel !== "webhook")
      problems.set(
        t.id,
        `the template "${t.name}" is ${["push", "partial"].includes(t.channel) ? "a" : "an"} ${TEMPLATE_KIND_NAMES[t.channel] ?? t.channel} template, not a webhook template`,
      );
    else if (t.archivedAt) problems.set(t.id, `the template "${t.name}" is archived`);
    else if (t.currentVersion === 0) problems.set(t.id, `the template "${t.name}" has no saved version yet`);
    else problems.delete(t.id);
  }
  return problems;
}
const TEMPLATE_KIND_NAMES: Record<string, string> = { ...CHANNEL_NAMES, partial: "partial", layout: "email layout" };

/**
 * Why a message step cannot choose the subscription topic `topicId`, or nothing when it can: a topic of this
 * workspace that is not archived (archiving stops new sends choosing it, as for broadcasts).
 */
async function topicProblems(ctx: WorkspaceContext, topicIds: string[]): Promise<Map<string, string>> {
  const problems = new Map<string, string>(
    topicIds.map((id) => [id, `no subscription topic with id "${id}" in this workspace`]),
  );
  const rows = await db().subscriptionTopic.findMany({
    where: { workspaceId: ctx.workspace.id, id: { in: topicIds } },
    select: { id: true, name: true, archivedAt: true },
  });
  for (const t of rows) {
    if (t.archivedAt) problems.set(t.id, `the topic "${t.name}" is archived; new sends cannot choose it`);
    else problems.delete(t.id);
  }
  return problems;
}

/**
 * The canvas's rules, plus: a message step's template is of the step's channel and its topic (if any) one the
 * workspace has and has not archived; a webhook step's Liquid parses, and the template it names (if any) is a
 * webhook template it can use.
 */
export async function validateWithReferences(ctx: WorkspaceContext, draft: unknown) {
  const references = await referencesOf(ctx);
  const result = validateJourney(draft, references);
  const webhookTemplateIds = (result.graph?.nodes ?? []).flatMap((n) =>
    n.type === "action.webhook" && typeof n.config.templateId === "string" ? [n.config.templateId] : [],
  );
  const webhookTemplates = webhookTemplateIds.length
    ? await webhookTemplateProblems(ctx, webhookTemplateIds)
    : new Map<string, string>();
  const topicIds = [
    ...new Set(
      (result.graph?.nodes ?? []).flatMap((n) =>
        // "" is the form's "None"; an id that is no UUID is the graph's own problem (lib/journeys/graph.ts)
        MESSAGE_CHANNELS[n.type] && z.uuid().safeParse((n.config as { topicId?: unknown }).topicId).success
          ? [(n.config as { topicId: string }).topicId]
          : [],
      ),
    ),
  ];
  const topics = topicIds.length ? await topicProblems(ctx, topicIds) : new Map<string, string>();
  // Predictions named by a prediction trigger or a condition/branch rule: this workspace's, not archived.
  const predictionRefs = (result.graph?.nodes ?? []).flatMap((n) =>
    predictionReferences(n).map((ref) => ({ nodeId: n.id, ...ref })),
  );
  const predictions = predictionRefs.length
    ? await predictionProblems(
        ctx.workspace.id,
        predictionRefs.map((r) => r.id),
      )
    : new Map<string, string>();
  for (const ref of predictionRefs) {
    const problem = predictions.get(ref.id);
    if (problem) result.problems.push({ nodeId: ref.nodeId, path: ref.path, message: problem });
  }
  for (const node of result.graph?.nodes ?? []) {
    const channel = MESSAGE_CHANNELS[node.type];
    const templateId = (node.config as { templateId?: unknown }).templateId;
    const actual = typeof templateId === "string" ? references.templateChannels.get(templateId) : undefined;
    if (channel && actual && actual !== channel) {
      result.problems.push({
        nodeId: node.id,
        path: "config.templateId",
        message: `the template "${templateId}" is for ${CHANNEL_NAMES[actual]} messages, not ${CHANNEL_NAMES[channel]}`,
      });
    }
    const topicId = (node.config as { topicId?: unknown }).topicId;
    const topicProblem = channel && typeof topicId === "string" ? topics.get(topicId) : undefined;
    if (topicProblem) result.problems.push({ nodeId: node.id, path: "config.topicId", message: topicProblem });
    // A webhook's URL, header values and body are Liquid (lib/engine/placeholders.ts); checked here, on the
    // server, so the canvas's shared rules do not pull the Liquid engine into the browser.
    if (node.type === "action.webhook") {
      const webhook = NODE_CONFIGS["action.webhook"].safeParse(node.config);
      if (webhook.success)
        for (const problem of webhookLiquidProblems(webhook.data))
          result.problems.push({ nodeId: node.id, ...problem });
      const problem =
        webhook.success && webhook.data.templateId !== undefined
          ? webhookTemplates.get(webhook.data.templateId)
          : undefined;
      if (problem) result.problems.push({ nodeId: node.id, path: "config.templateId", message: problem });
    }
  }
  return result;
}
