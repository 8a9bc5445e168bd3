import { TypeGuards } from "liquidjs";
import type pg from "pg";
import {
  parseLiquid,
  renderTemplate,
  SAMPLE_SCOPE,
  WEBHOOK_CONTENT_TYPES,
  type Partials,
  type RenderScope,
  type WebhookContent,
} from "./liquid";
import { selectPartialsAt, selectWebhookTemplateVersionsAt } from "./store/webhook-templates";

/**
 * Webhook templates: the reusable body (and headers) of a webhook step's request, saved and versioned like
 * message templates. A webhook step either writes its body inline or names a template (`templateId`); the
 * step keeps the URL and method. What they render with is what an inline body renders with: the same scope,
 * "data" escaping (objects and arrays as JSON, strings as they are), and the workspace's partials.
 */

/** What a webhook's Liquid can read (inline bodies and templates alike). The paths of the earlier placeholders (profile.id, event.timestamp, enrollment.id) still resolve. */
export interface WebhookScope {
  profile: {
    id: string;
    userId: string | null;
    email: string | null;
    phone: string | null;
    timezone: string | null;
    traits: Record<string, unknown>;
    /** the person's prediction scores by key (lib/predictions/store/profile-predictions.ts), when the Liquid reads them */
    predictions?: Record<string, unknown>;
  };
  event: { id: string | null; name: string; properties: Record<string, unknown>; timestamp: string };
  journey: { id: string };
  enrollment: { id: string };
}

/** The webhook scope for the editor's preview: the previewed profile (or the sample) with a sample trigger event and journey. */
export function previewWebhookScope(scope: RenderScope, profileId: string | null): WebhookScope {
  return {
    profile: { id: profileId ?? "sample-profile", ...scope.profile },
    event: {
      id: "sample-event",
      name: scope.event.name ?? SAMPLE_SCOPE.event.name!,
      properties: scope.event.properties,
      timestamp: "2026-01-15T09:30:00.000Z",
    },
    journey: { id: "sample-journey" },
    enrollment: { id: "sample-enrollment" },
  };
}

/** Why a rendered JSON body is not JSON (JSON.parse's words), or null when it is. */
export function jsonProblem(text: string): string | null {
  try {
    JSON.parse(text);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * True when a source has no Liquid at all (only text): it renders the same for everyone, so what it renders
 * for the sample is what every person gets. Saving refuses a JSON body only then (see templates.ts).
 */
export function isConstantLiquid(source: string): boolean {
  const parsed = parseLiquid(source);
  return parsed.ok && parsed.template.every((t) => TypeGuards.isHTMLToken(t.token));
}

export type RenderedWebhookTemplate =
  | { ok: true; headers: Record<string, string>; body: string; contentType: string }
  | { ok: false; field: string; error: string };

/**
 * Renders a webhook template for one person: the body and each header value, with the partials. A field
 * that does not render, a header value with a line break (one header smuggling in another), or a JSON body
 * that is not JSON fails the whole request: nothing half-rendered goes out.
 */
export function renderWebhookTemplate(
  content: WebhookContent,
  scope: WebhookScope,
  partials?: Partials,
): RenderedWebhookTemplate {
  const { fields, errors } = renderTemplate("webhook", content, scope, { partials });
  if (errors.length) return { ok: false, field: errors[0].path, error: errors[0].message };
  return webhookTemplateRequest(content, fields);
}

/**
 * The request parts of a webhook template's rendered fields (renderTemplate's, or the render pool's for a batch:
 * lib/broadcasts/send/webhook-send.ts), with the same refusals as renderWebhookTemplate.
 */
export function webhookTemplateRequest(
  content: WebhookContent,
  fields: Record<string, string>,
): RenderedWebhookTemplate {
  const headers: Record<string, string> = {};
  for (const name of Object.keys(content.headers ?? {})) {
    const value = fields[`headers.${name}`];
    if (/[\r\n\0]/.test(value))
      return { ok: false, field: `content.headers.${name}`, error: "renders to a value with a line break" };
    headers[name] = value;
  }
  const body = fields.body;
  if (content.contentType === "json") {
    const problem = jsonProblem(body);
    if (problem)
      return { ok: false, field: "content.body", error: `renders to something that is not JSON (${problem})` };
  }
  return { ok: true, headers, body, contentType: WEBHOOK_CONTENT_TYPES[content.contentType] };
}

/** A webhook step's template as its journey version uses it: the version pinned at publishing, with the partials of then. */
export interface PinnedWebhookTemplate {
  templateId: string;
  name: string;
  version: number;
  content: WebhookContent;
  partials: Partials;
}

/**
 * The webhook templates a journey version published at `publishedAt` uses: for each, its newest version saved
 * by then (the rule message templates follow, templates.ts templateVersionAt), and the workspace's partials as
 * they were then (saved by then and not archived by then, so archiving a partial later does not change a
 * published journey's calls). Read with the caller's client: the engine asks inside its transaction.
 * Templates that had no version then (or are not webhook templates of this workspace) are left out.
 */
export async function pinnedWebhookTemplates(
  client: pg.ClientBase,
  workspaceId: string,
  publishedAt: Date,
  templateIds: string[],
): Promise<Map<string, PinnedWebhookTemplate>> {
  const ids = [...new Set(templateIds)].filter((id) =>
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id),
  );
  if (!ids.length) return new Map();
  const rows = await selectWebhookTemplateVersionsAt(client, workspaceId, ids, publishedAt);
  if (!rows.length) return new Map();
  const partialRows = await selectPartialsAt(client, workspaceId, publishedAt);
  const partials: Partials = Object.fromEntries(partialRows.map((r) => [r.name, r.content.body]));
  return new Map(
    rows.map((r) => [r.id, { templateId: r.id, name: r.name, version: r.version, content: r.content, partials }]),
  );
}
