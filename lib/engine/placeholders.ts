import { parseLiquid, renderSource, type OutputEscape } from "../messaging/liquid";
import { renderWebhookTemplate, type PinnedWebhookTemplate, type WebhookScope } from "../messaging/webhook-templates";
import type { NodeInput, WebhookRequest } from "./interpreter";
import { literalAddressProblem } from "../security/outbound";

/**
 * A webhook step is the generic webhook channel: its URL, header values and body are Liquid templates,
 * rendered with the messaging templates' engine and filters (`date_in_zone`, `money`, `required`, and
 * Liquid's own, e.g. `json`, `url_encode`, `default`) against the person, the trigger event and the journey.
 *
 * What a `{{ }}` writes depends on where it is (`| raw` opts out of each):
 * - URL: percent-encoded, so a value cannot add a path segment, query parameter or fragment
 *   (`https://crm.example/users/{{ profile.userId }}` with userId `a/b?x` calls `/users/a%2Fb%3Fx`).
 * - Body and header values: no HTML escaping (a body is data, not a page); objects and arrays are written
 *   as JSON and missing values as nothing, as the earlier `{{path}}` placeholders did. Strings are written
 *   as they are, so inside a JSON string a quote in a trait would end the string: write
 *   `{"name": {{ profile.traits.name | json }}}` (no quotes around it) to get a quoted, escaped JSON value.
 * A field that does not render fails the step with the reason and no call is made: nothing is sent half-rendered.
 *
 * Instead of a body of its own, a step can name a saved webhook template (`templateId`,
 * lib/messaging/webhook-templates.ts): its body, content type and headers, in the version pinned when the
 * journey version was published, rendered with the same scope and the partials of then. The step's own
 * headers are added to the template's (the step's win on a clash: they belong to the destination).
 */

export type { WebhookScope } from "../messaging/webhook-templates";

export function webhookScope(
  input: Pick<NodeInput, "person" | "trigger" | "journeyId" | "enrollmentId">,
): WebhookScope {
  const { person, trigger } = input;
  return {
    profile: {
      id: person.profileId,
      userId: person.userId,
      email: person.email,
      phone: person.phone,
      timezone: person.timezone,
      traits: person.traits,
      ...(person.predictions ? { predictions: person.predictions } : {}),
    },
    event: {
      id: trigger.eventId ?? null,
      name: trigger.name,
      properties: trigger.properties,
      timestamp: trigger.timestamp,
    },
    journey: { id: input.journeyId },
    enrollment: { id: input.enrollmentId },
  };
}

export interface WebhookConfig {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  templateId?: string;
}

/** Each Liquid field of a webhook config, as its path under the node (config.url, config.headers.<name>, config.body), its source and escaping. */
function liquidFields(config: WebhookConfig): { path: string; source: string; escape: OutputEscape }[] {
  return [
    { path: "config.url", source: config.url, escape: "url" as const },
    ...Object.entries(config.headers).map(([name, value]) => ({
      path: `config.headers.${name}`,
      source: value,
      escape: "data" as const,
    })),
    ...(config.body === undefined ? [] : [{ path: "config.body", source: config.body, escape: "data" as const }]),
  ];
}

/** The fields of a webhook config that are not valid Liquid (syntax, unknown filter, unclosed tag), for publishing. */
export function webhookLiquidProblems(config: WebhookConfig): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  for (const field of liquidFields(config)) {
    const parsed = parseLiquid(field.source, field.escape);
    if (!parsed.ok) problems.push({ path: field.path, message: `Liquid error: ${parsed.error}` });
  }
  // a literal IP the outbound guard would refuse is refused now; names are checked when called (lib/security/outbound.ts)
  const blocked = literalAddressProblem(config.url);
  if (blocked) problems.push({ path: "config.url", message: blocked });
  return problems;
}

/**
 * The request to make: every field rendered, or, when one does not render, the config's own URL and
 * headers with `renderError` set (lib/engine/webhook.ts records the failure and calls nothing).
 */
export function renderWebhookRequest(
  config: WebhookConfig,
  scope: WebhookScope,
  template?: PinnedWebhookTemplate,
): WebhookRequest {
  const rendered: Record<string, string> = {};
  const fail = (renderError: string): WebhookRequest => ({
    url: config.url,
    method: config.method,
    headers: config.headers,
    renderError,
  });
  for (const field of liquidFields(config)) {
    const result = renderSource(field.source, scope, field.escape);
    if (!result.ok) return fail(`${field.path} does not render: Liquid error: ${result.error}`);
    rendered[field.path] = result.text;
  }
  const url = rendered["config.url"];
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    // reported below
  }
  if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:"))
    return fail(`config.url renders to "${url.slice(0, 200)}", not an http(s) URL`);
  const headers: Record<string, string> = {};
  for (const name of Object.keys(config.headers)) {
    const value = rendered[`config.headers.${name}`];
    // fetch refuses these, and a line break in a header is how one header smuggles in another
    if (/[\r\n\0]/.test(value)) return fail(`config.headers.${name} renders to a value with a line break`);
    headers[name] = value;
  }
  if (config.templateId === undefined)
    return {
      url,
      method: config.method,
      headers,
      ...(config.body === undefined ? {} : { body: rendered["config.body"] }),
    };
  if (!template)
    return fail(`the template ${config.templateId} had no saved version when this journey version was published`);
  const fromTemplate = renderWebhookTemplate(template.content, scope, template.partials);
  if (!fromTemplate.ok) {
    const why = fromTemplate.error.startsWith("Liquid error")
      ? `does not render: ${fromTemplate.error}`
      : fromTemplate.error;
    return fail(`the template "${template.name}" (v${template.version}): ${fromTemplate.field} ${why}`);
  }
  // Header names are case-insensitive: a later source's spelling replaces an earlier one's.
  const merged = new Map<string, [string, string]>();
  for (const [name, value] of [
    ["content-type", fromTemplate.contentType],
    ...Object.entries(fromTemplate.headers),
    ...Object.entries(headers),
  ])
    merged.set(name.toLowerCase(), [name, value]);
  return { url, method: config.method, headers: Object.fromEntries(merged.values()), body: fromTemplate.body };
}
