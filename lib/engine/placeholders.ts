import { parseLiquid, renderSource, type OutputEscape } from "../messaging/liquid";
import type { NodeInput, WebhookRequest } from "./interpreter";

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
 */

/** What a webhook's Liquid can read. The paths of the earlier placeholders (profile.id, event.timestamp, enrollment.id) still resolve. */
export interface WebhookScope {
  profile: { id: string; userId: string | null; email: string | null; phone: string | null; timezone: string | null; traits: Record<string, unknown> };
  event: { id: string | null; name: string; properties: Record<string, unknown>; timestamp: string };
  journey: { id: string };
  enrollment: { id: string };
}

export function webhookScope(input: Pick<NodeInput, "person" | "trigger" | "journeyId" | "enrollmentId">): WebhookScope {
  const { person, trigger } = input;
  return {
    profile: { id: person.profileId, userId: person.userId, email: person.email, phone: person.phone, timezone: person.timezone, traits: person.traits },
    event: { id: trigger.eventId ?? null, name: trigger.name, properties: trigger.properties, timestamp: trigger.timestamp },
    journey: { id: input.journeyId },
    enrollment: { id: input.enrollmentId },
  };
}

export interface WebhookConfig {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/** Each Liquid field of a webhook config, as its path under the node (config.url, config.headers.<name>, config.body), its source and escaping. */
function liquidFields(config: WebhookConfig): { path: string; source: string; escape: OutputEscape }[] {
  return [
    { path: "config.url", source: config.url, escape: "url" as const },
    ...Object.entries(config.headers).map(([name, value]) => ({ path: `config.headers.${name}`, source: value, escape: "data" as const })),
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
  return problems;
}

/**
 * The request to make: every field rendered, or, when one does not render, the config's own URL and
 * headers with `renderError` set (lib/engine/webhook.ts records the failure and calls nothing).
 */
export function renderWebhookRequest(config: WebhookConfig, scope: WebhookScope): WebhookRequest {
  const rendered: Record<string, string> = {};
  const fail = (renderError: string): WebhookRequest => ({ url: config.url, method: config.method, headers: config.headers, renderError });
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
  if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) return fail(`config.url renders to "${url.slice(0, 200)}", not an http(s) URL`);
  const headers: Record<string, string> = {};
  for (const name of Object.keys(config.headers)) {
    const value = rendered[`config.headers.${name}`];
    // fetch refuses these, and a line break in a header is how one header smuggles in another
    if (/[\r\n\0]/.test(value)) return fail(`config.headers.${name} renders to a value with a line break`);
    headers[name] = value;
  }
  return { url, method: config.method, headers, ...(config.body === undefined ? {} : { body: rendered["config.body"] }) };
}
