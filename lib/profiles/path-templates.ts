import { requirePermission, type WorkspaceContext } from "../auth/context";
import { pgPool } from "../db/pool";
import type { ProfileEnrollment } from "../engine/read-model";
import { selectSentTemplateVersions, selectTemplateNames } from "./store/profiles";

/**
 * The templates a person's journey path mentions, by name, for the profile page: the engine's step records keep
 * template ids (in the decision's inputs and its outcome sentence), which mean nothing to a marketer.
 */
export interface PathTemplates {
  /** template id → its name (this workspace's templates only; a deleted one is absent) */
  names: Record<string, string>;
  /** "<enrollmentId>:<nodeId>" → the template version that step's message was rendered with, once sent */
  sentVersions: Record<string, number>;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

export async function pathTemplates(ctx: WorkspaceContext, enrollments: ProfileEnrollment[]): Promise<PathTemplates> {
  requirePermission(ctx, "workspace:read");
  const ids = new Set<string>();
  for (const e of enrollments) {
    for (const step of e.steps) {
      const inputs = step.inputs as { templateId?: unknown } | null;
      if (inputs && typeof inputs === "object" && typeof inputs.templateId === "string") ids.add(inputs.templateId);
      for (const id of step.outcome.match(UUID) ?? []) ids.add(id.toLowerCase());
    }
  }
  const enrollmentIds = enrollments.map((e) => e.enrollmentId);
  const [templates, messages] = await Promise.all([
    ids.size ? selectTemplateNames(pgPool(), ctx.workspace.id, [...ids]) : [],
    enrollmentIds.length ? selectSentTemplateVersions(pgPool(), ctx.workspace.id, enrollmentIds) : [],
  ]);
  return {
    names: Object.fromEntries(templates.map((t) => [t.id, t.name])),
    sentVersions: Object.fromEntries(messages.map((m) => [`${m.enrollmentId}:${m.nodeId}`, m.templateVersion])),
  };
}
