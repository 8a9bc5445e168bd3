import { ROLE_LABELS, type RoleName } from "../auth/permissions";
import {
  bannedPhrasesOf,
  type BannedPhrase,
  contentTexts,
  describeHit,
  findBannedPhrases,
} from "../brand/banned-phrases";
import { db } from "../db/client";
import { AppError, type FieldIssue } from "../errors";
import { parseLiquid, partialReferences, type TemplateKind } from "../messaging/liquid";
import { currentTemplate, renderAssetsAt, templateVersionAt } from "../messaging/templates/published-versions";

/**
 * The gate every publish path passes (a journey's publish, a broadcast's send or schedule, a transactional send, and
 * so the API's routes to them): a template whose every version still awaits approval has nothing it may send, and
 * no content that will be sent may carry a banned phrase, whoever wrote it (AI or not). Each problem is a field
 * issue naming the referencing field, the template, and the field and phrase, so the 422 says what to fix.
 */

export interface TemplateReference {
  templateId: string;
  /** the referencing field of the request ("variants.0.templateId", "nodes.send.config.templateId") */
  path: string;
}

/** A journey graph's template references: each step's template, at `nodes.<node id>.config.templateId`. */
export function templateReferencesOf(nodes: { id: string; config?: unknown }[]): TemplateReference[] {
  return nodes.flatMap((n) => {
    const templateId = (n.config as { templateId?: unknown } | undefined)?.templateId;
    return typeof templateId === "string" ? [{ templateId, path: `nodes.${n.id}.config.templateId` }] : [];
  });
}

/** The lowest role that may approve template changes in the workspace, as people read it ("Admin"). */
export async function approverRoleOf(workspaceId: string): Promise<RoleName> {
  const row = await db().workspace.findUniqueOrThrow({
    where: { id: workspaceId },
    select: { templateApproveRole: true },
  });
  return row.templateApproveRole as RoleName;
}

export function awaitingApprovalMessage(name: string, role: RoleName): string {
  return `the template "${name}" has no approved version to send: its changes await approval by ${ROLE_LABELS[role].toLowerCase()} or higher`;
}

/** Banned phrases in `content` as field issues at `path` (a template's name when it has one). */
export function bannedContentIssues(
  kind: TemplateKind,
  content: unknown,
  banned: BannedPhrase[],
  path: string,
  templateName?: string,
): FieldIssue[] {
  const seen = new Set<string>();
  const issues: FieldIssue[] = [];
  for (const hit of findBannedPhrases(contentTexts(kind, content), banned)) {
    const key = `${hit.field}\u0000${hit.phrase}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({
      path,
      message: `${templateName ? `the template "${templateName}": ` : ""}content.${hit.field} ${describeHit(hit)}`,
    });
  }
  return issues;
}

/**
 * The gate's problems for the templates a publish will send as of `at` (each reference once per path). Unknown,
 * archived or never-saved templates are left to the caller's own reference checks, which already name them.
 */
export async function publishGateProblems(
  workspaceId: string,
  references: TemplateReference[],
  at: Date,
): Promise<FieldIssue[]> {
  if (!references.length) return [];
  const ids = [...new Set(references.map((r) => r.templateId))];
  const [names, banned] = await Promise.all([
    db().messageTemplate.findMany({ where: { workspaceId, id: { in: ids } }, select: { id: true, name: true } }),
    bannedPhrasesOf(workspaceId),
  ]);
  const nameOf = new Map(names.map((t) => [t.id, t.name]));
  let role: RoleName | null = null;
  const issues: FieldIssue[] = [];
  for (const { templateId, path } of references) {
    const name = nameOf.get(templateId);
    if (name === undefined) continue;
    const current = await currentTemplate(workspaceId, templateId);
    if (!current || current.archived) continue;
    if (current.version === null) {
      if (current.awaitingApproval) {
        role ??= await approverRoleOf(workspaceId);
        issues.push({ path, message: awaitingApprovalMessage(name, role) });
      }
      continue;
    }
    if (!banned.length) continue;
    const version = await templateVersionAt(workspaceId, templateId, at);
    if (!version) continue;
    issues.push(...bannedContentIssues(version.channel, version.content, banned, path, name));
    issues.push(
      ...(await includedContentIssues(workspaceId, version.channel, version.content, banned, at, path, name)),
    );
  }
  return issues;
}

/**
 * What a template pulls in is sent too: the partials it renders (and those they render, to any depth) and an email's
 * layout, each as of `at`. A banned phrase in a shared footer partial is refused wherever the footer goes out, and
 * the message names the partial, since that is what to fix.
 */
async function includedContentIssues(
  workspaceId: string,
  kind: TemplateKind,
  content: unknown,
  banned: BannedPhrase[],
  at: Date,
  path: string,
  templateName?: string,
): Promise<FieldIssue[]> {
  const layoutId = kind === "email" ? (content as { layoutId?: unknown } | null)?.layoutId : undefined;
  const assets = await renderAssetsAt(workspaceId, at, typeof layoutId === "string" && layoutId ? layoutId : null);
  const partials = assets.partials ?? {};
  const issues: FieldIssue[] = [];
  const report = (what: string, text: string) => {
    const seen = new Set<string>();
    for (const hit of findBannedPhrases([{ field: what, text }], banned)) {
      if (seen.has(hit.phrase)) continue;
      seen.add(hit.phrase);
      const prefix = templateName ? `the template "${templateName}": ` : "";
      issues.push({ path, message: `${prefix}${what} ${describeHit(hit)}` });
    }
  };
  const sources = contentTexts(kind, content).map((t) => t.text);
  if (assets.layoutHtml) {
    report("its layout", assets.layoutHtml);
    sources.push(assets.layoutHtml);
  }
  // breadth-first over the partials named in quotes; a partial named from a variable is known only when rendering
  const visited = new Set<string>();
  let pending = sources;
  while (pending.length) {
    const next: string[] = [];
    for (const source of pending) {
      const parsed = parseLiquid(source);
      if (!parsed.ok) continue;
      for (const partial of partialReferences(parsed.template)) {
        const body = partials[partial];
        if (visited.has(partial) || body === undefined) continue;
        visited.add(partial);
        report(`the partial "${partial}"`, body);
        next.push(body);
      }
    }
    pending = next;
  }
  return issues;
}

/** Throws the gate's problems as one 422 (`message` says what was refused). */
export async function assertPublishGate(
  workspaceId: string,
  references: TemplateReference[],
  at: Date,
  message: string,
): Promise<void> {
  const issues = await publishGateProblems(workspaceId, references, at);
  if (issues.length) throw AppError.validation(issues, `${message}: ${issues.map((i) => i.message).join("; ")}`);
}

/** The 422 message for a template whose every version awaits approval. */
export async function awaitingApprovalFor(workspaceId: string, templateId: string): Promise<string> {
  const [template, role] = await Promise.all([
    db().messageTemplate.findUniqueOrThrow({ where: { id: templateId }, select: { name: true } }),
    approverRoleOf(workspaceId),
  ]);
  return awaitingApprovalMessage(template.name, role);
}

/** A 422 at `path` when `content` (a template's, by id, or inline) carries one of the workspace's banned phrases. */
export async function refuseBannedContent(
  workspaceId: string,
  kind: TemplateKind,
  content: unknown,
  path: string,
  templateId?: string,
): Promise<void> {
  const banned = await bannedPhrasesOf(workspaceId);
  if (!banned.length) return;
  const found = [
    ...bannedContentIssues(kind, content, banned, path),
    ...(await includedContentIssues(workspaceId, kind, content, banned, new Date(), path)),
  ];
  if (!found.length) return; // the common case: no query for the name
  const name = templateId
    ? (await db().messageTemplate.findUnique({ where: { id: templateId }, select: { name: true } }))?.name
    : undefined;
  // the same issues, named after the template (what the gate's own messages say), not checked a second time
  throw AppError.validation(
    name ? found.map((f) => ({ ...f, message: `the template "${name}": ${f.message}` })) : found,
  );
}
