import { requirePermission, type WorkspaceContext } from "../auth/context";
import { pgPool } from "../db/pool";
import type { ProfileEnrollment } from "../engine/read-model";

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
    ids.size
      ? pgPool().query<{ id: string; name: string }>(
          `SELECT id::text, name FROM "MessageTemplate" WHERE "workspaceId" = $1 AND id::text = ANY($2::text[])`,
          [ctx.workspace.id, [...ids]],
        )
      : Promise.resolve({ rows: [] }),
    enrollmentIds.length
      ? pgPool().query<{ enrollmentId: string; nodeId: string; templateVersion: number }>(
          `SELECT "enrollmentId"::text, "nodeId", "templateVersion" FROM "Message"
            WHERE "workspaceId" = $1 AND "enrollmentId" = ANY($2::uuid[]) AND "templateVersion" IS NOT NULL`,
          [ctx.workspace.id, enrollmentIds],
        )
      : Promise.resolve({ rows: [] }),
  ]);
  return {
    names: Object.fromEntries(templates.rows.map((t) => [t.id, t.name])),
    sentVersions: Object.fromEntries(messages.rows.map((m) => [`${m.enrollmentId}:${m.nodeId}`, m.templateVersion])),
  };
}
