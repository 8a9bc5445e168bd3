import { z } from "zod";
import type { WorkspaceContext } from "../../auth/context";
import { db } from "../../db/client";
import { AppError, type FieldIssue } from "../../errors";
import type { TemplateContent, TemplateKind } from "../liquid";

/**
 * Message templates: a name, a channel and numbered versions of the channel's content. Every save adds a
 * version (content validated, every Liquid field parsed and every partial it includes by name found first:
 * nothing is stored when one fails; a render for the sample profile only warns), so a
 * journey version can keep sending the template version it was published with. A template created without
 * content has no version yet (currentVersion 0) until its first save.
 *
 * Besides the four channels, two kinds of template are building blocks: partials (snippets any template
 * includes by name, `{% render 'footer' %}`) and email layouts (the HTML around an email's body, with
 * `{{ content }}` where it goes). A message renders with the partials and layout versions that were current
 * when its journey version was published, like the template itself.
 */

export interface TemplateSummary {
  id: string;
  name: string;
  /** a message channel, or "partial" / "layout" */
  channel: TemplateKind;
  currentVersion: number;
  archived: boolean;
  updatedAt: string;
  /** the newest version waits for an approver (lib/approvals): nothing sends it yet */
  awaitingApproval: boolean;
}

export interface TemplateDetail extends TemplateSummary {
  /** the newest version's content; null before the first save */
  content: TemplateContent | null;
  versions: { version: number; createdAt: string; createdBy: string }[];
}

/**
 * What a save answers: the template, and what rendering the saved content for the sample profile found
 * (e.g. a `| required` variable the sample lacks). Warnings, not errors: real profiles may have what the
 * sample lacks, so the version is stored all the same.
 */
export interface SavedTemplate extends TemplateDetail {
  warnings: FieldIssue[];
}

const notFound = () => new AppError("not_found", "No such template in this workspace.");

/** The template with its versions, newest first; 404 when it is not one of the workspace's. */
export async function loadTemplate(ctx: WorkspaceContext, id: string) {
  if (!z.uuid().safeParse(id).success) throw notFound();
  const template = await db().messageTemplate.findFirst({
    where: { id, workspaceId: ctx.workspace.id },
    include: {
      versions: {
        orderBy: { version: "desc" },
        select: {
          version: true,
          content: true,
          createdAt: true,
          createdByLabel: true,
          needsApproval: true,
          approvedAt: true,
        },
      },
    },
  });
  if (!template) throw notFound();
  return template;
}

export function toSummary(t: {
  id: string;
  name: string;
  channel: string;
  currentVersion: number;
  archivedAt: Date | null;
  updatedAt: Date;
  /** newest first; only the newest is read */
  versions: { needsApproval: boolean; approvedAt: Date | null }[];
}): TemplateSummary {
  const newest = t.versions[0];
  return {
    id: t.id,
    name: t.name,
    channel: t.channel as TemplateKind,
    currentVersion: t.currentVersion,
    archived: t.archivedAt !== null,
    updatedAt: t.updatedAt.toISOString(),
    awaitingApproval: !!newest?.needsApproval && !newest.approvedAt,
  };
}

export function toDetail(t: Awaited<ReturnType<typeof loadTemplate>>): TemplateDetail {
  return {
    ...toSummary(t),
    content: (t.versions[0]?.content as TemplateContent | undefined) ?? null,
    versions: t.versions.map((v) => ({
      version: v.version,
      createdAt: v.createdAt.toISOString(),
      createdBy: v.createdByLabel,
    })),
  };
}
