import { decodeHTMLStrict } from "entities";
import { type Context, Liquid, Tag, type TagToken, type TopLevelToken, toValueSync, type Template } from "liquidjs";
import {
  CONNECTED_SCOPE_KEY,
  CONNECTED_TAG,
  type ConnectedSpec,
  connectedKey,
  parseConnectedArgs,
} from "../content/connected-content/syntax";
import { z } from "zod";
import { registerCatalogTags } from "../catalogs/liquid-tags";
import type { FieldIssue } from "../errors";
import { ZEmailEditor } from "../email-builder/document";
import { wrapInLayout } from "./layout-wrap";

/**
 * Personalization with Liquid. One configured engine: unknown filters are errors (a typo is caught at save
 * time), unknown variables render as nothing (a profile without a trait still gets its message; the editor
 * warns about them with `missingVariables`). Two filters of our own: `date_in_zone` and `money`.
 */
export interface RenderScope {
  profile: {
    userId: string | null;
    email: string | null;
    phone: string | null;
    timezone: string | null;
    traits: Record<string, unknown>;
  };
  event: { name: string | null; properties: Record<string, unknown> };
  journey: { id: string | null; name: string | null };
  message: { id: string | null };
  /** the message's one-click unsubscribe link and its preference page (signed; see tracking.ts) */
  unsubscribe_url?: string;
  preferences_url?: string;
}

const MONTHS_SHORT = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MONTHS_LONG = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const DAYS_SHORT = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const DAYS_LONG = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

function toDate(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === "number") return new Date(value < 1e12 ? value * 1000 : value);
  if (typeof value === "string" && value.trim()) {
    if (value === "now" || value === "today") return new Date();
    const date = new Date(/^\d+$/.test(value) ? Number(value) * 1000 : value);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  return null;
}

function validZone(zone: unknown): string {
  if (typeof zone !== "string" || !zone) return "UTC";
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return zone;
  } catch {
    return "UTC";
  }
}

/**
 * Formats `value` (ISO string, Date, or Unix seconds/milliseconds) in the IANA time zone `zone` (UTC when
 * missing or unknown) with strftime directives: %Y %y %m %d %e %H %I %M %S %p %b %B %a %A %Z %%.
 */
export function dateInZone(value: unknown, zone?: unknown, format = "%b %d, %Y %H:%M"): string {
  const date = toDate(value);
  if (!date) return value == null ? "" : String(value);
  const timeZone = validZone(zone);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "2-digit",
      second: "2-digit",
      weekday: "short",
      hourCycle: "h23",
      timeZoneName: "short",
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  const month = Number(parts.month) - 1;
  const hour = Number(parts.hour) % 24;
  const weekday = DAYS_SHORT.indexOf(parts.weekday);
  const pad = (n: number | string) => String(n).padStart(2, "0");
  const map: Record<string, string> = {
    Y: parts.year,
    y: pad(Number(parts.year) % 100),
    m: pad(month + 1),
    d: pad(parts.day),
    e: String(Number(parts.day)),
    H: pad(hour),
    I: pad(hour % 12 || 12),
    M: pad(parts.minute),
    S: pad(parts.second),
    p: hour < 12 ? "AM" : "PM",
    b: MONTHS_SHORT[month],
    B: MONTHS_LONG[month],
    a: DAYS_SHORT[weekday],
    A: DAYS_LONG[weekday],
    Z: parts.timeZoneName,
    "%": "%",
  };
  return String(format).replace(/%([a-zA-Z%])/g, (whole, d: string) => map[d] ?? whole);
}

/** Formats an amount in a currency (ISO 4217), e.g. 1234.5, "EUR" → "€1,234.50". */
export function money(value: unknown, currency: unknown = "USD", locale: unknown = "en-US"): string {
  const amount = typeof value === "number" ? value : Number(value);
  if (value == null || value === "" || !Number.isFinite(amount)) return value == null ? "" : String(value);
  try {
    return new Intl.NumberFormat(String(locale), { style: "currency", currency: String(currency) }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${String(currency)}`;
  }
}

/**
 * How an engine escapes what `{{ }}` outputs; `{{ x | raw }}` opts out in every mode.
 * - text: as is (SMS, push, subjects)
 * - html: HTML-escaped, so a trait like `<script>` or `Tom & Jerry` shows as text (email bodies, layouts)
 * - url: percent-encoded (encodeURIComponent), so a value cannot add a path segment, query parameter or
 *   fragment to a webhook's URL
 * - data: objects and arrays as JSON, everything else as is (webhook bodies and header values)
 */
export type OutputEscape = "text" | "html" | "url" | "data";

const asData = (value: unknown): string =>
  value == null ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);

const ESCAPES: Record<OutputEscape, "escape" | ((value: unknown) => string) | undefined> = {
  text: undefined,
  html: "escape",
  url: (value) => encodeURIComponent(asData(value)),
  data: asData,
};

/**
 * What rendering one message may cost, all its fields together (and its layout): wall time, and the characters
 * it may output. A template that needs more is a template to simplify, not a reason to block everyone else.
 */
export interface RenderBudget {
  ms: number;
  maxOutputChars: number;
}
export const RENDER_BUDGET: RenderBudget = { ms: renderBudgetMs(process.env), maxOutputChars: 1_000_000 };

/**
 * The wall-time budget, 100 ms unless `CAIRN_RENDER_BUDGET_MS` says otherwise (10 ms to 10 s): an operator whose
 * templates legitimately need more can raise it, and the integration tests raise it because a wall-clock limit on
 * a machine running both database passes and a browser at once measures the machine, not the template.
 */
export function renderBudgetMs(env: Record<string, string | undefined>): number {
  const asked = Number(env.CAIRN_RENDER_BUDGET_MS);
  return Number.isInteger(asked) && asked >= 10 && asked <= 10_000 ? asked : 100;
}

export const renderTimeoutMessage = (ms: number) =>
  `the template took longer than ${ms} ms to render; simplify its loops`;
export const renderTooLargeMessage = (maxChars: number) =>
  `the message renders to more than ${maxChars.toLocaleString("en-US")} characters; shorten it or loop over fewer items`;
const TOO_MUCH_MEMORY =
  "the template builds too much text (long loops, or filters that repeat or join large values); simplify it";

function createEngine(escape: OutputEscape = "text", partials?: Partials): Liquid {
  const outputEscape = ESCAPES[escape];
  const engine = new Liquid({
    // partials live in the database, not on disk: only these names resolve
    templates: { ...partials },
    ...(outputEscape ? { outputEscape } : {}),
    strictFilters: true,
    strictVariables: false,
    ownPropertyOnly: true,
    cache: false,
    // a template is content, not code: bound what one render may cost (renderTemplate passes what is left
    // of the message's whole budget to each field's render; this is the ceiling for any other render)
    parseLimit: 1e6,
    renderLimit: RENDER_BUDGET.ms,
    memoryLimit: 1e7,
  });
  engine.registerFilter("date_in_zone", (value: unknown, zone?: unknown, format?: unknown) =>
    dateInZone(value, zone, format == null ? undefined : String(format)),
  );
  engine.registerFilter("money", (value: unknown, currency?: unknown, locale?: unknown) =>
    money(value, currency ?? "USD", locale ?? "en-US"),
  );
  // `{% connected_content "https://…" as name %}`: JSON fetched before the render (lib/content/connected-content)
  engine.registerTag(CONNECTED_TAG, ConnectedContentTag);
  // `{{ profile.traits.first_name | required }}`: no message goes out without it (it fails, with the variable named)
  engine.registerFilter("required", (value: unknown) => {
    if (value == null || value === "") throw new Error(REQUIRED_MISSING);
    return value;
  });
  // {% catalog %}, {% recommend %} and the `catalog` filter: they read what lib/catalogs/render-lookups.ts fetched
  registerCatalogTags(engine);
  return engine;
}

/**
 * The connected_content tag at render time: no I/O here (renders are synchronous, in worker threads); the answer
 * was fetched before the render (lib/content/prepare-render.ts) and travels in the scope. Without one (a preview
 * that did not fetch, a failed fetch) the variable is nil.
 */
class ConnectedContentTag extends Tag {
  private readonly spec: ConnectedSpec;
  constructor(token: TagToken, remainTokens: TopLevelToken[], engine: Liquid) {
    super(token, remainTokens, engine);
    const parsed = parseConnectedArgs(token.args);
    if (!parsed.ok) throw new Error(parsed.error);
    this.spec = parsed.spec;
  }
  *render(ctx: Context): Generator<unknown, void, unknown> {
    const fetched = (ctx.environments as Record<string, unknown>)[CONNECTED_SCOPE_KEY] as
      | Record<string, unknown>
      | undefined;
    ctx.bottom()[this.spec.name] = fetched?.[connectedKey(this.spec)] ?? null;
  }
}

export const liquid = createEngine();
const plainEngines: Record<OutputEscape, Liquid> = {
  text: liquid,
  html: createEngine("html"),
  url: createEngine("url"),
  data: createEngine("data"),
};

/** The workspace's partials by name (`{% render 'footer' %}`), as their sources. */
export type Partials = Readonly<Record<string, string>>;

// Engines that know a set of partials; a workspace's set changes rarely, so a few are kept.
const enginesByPartials = new Map<string, Liquid>();
function engineFor(escape: OutputEscape, partials?: Partials): Liquid {
  if (!partials || !Object.keys(partials).length) return plainEngines[escape];
  const key = `${escape}:${JSON.stringify(partials)}`;
  let engine = enginesByPartials.get(key);
  if (!engine) {
    engine = createEngine(escape, partials);
    if (enginesByPartials.size >= 50) enginesByPartials.delete(enginesByPartials.keys().next().value!);
    enginesByPartials.set(key, engine);
  }
  return engine;
}

/** Fields whose output is HTML: rendered with escaping. */
const HTML_FIELDS = new Set(["email:html", "layout:html"]);

/** Parses a template, returning the parsed form or Liquid's error message (syntax, unknown filter, unclosed tag). */
export function parseLiquid(
  source: string,
  escape: OutputEscape = "text",
  partials?: Partials,
): { ok: true; template: Template[] } | { ok: false; error: string } {
  try {
    return { ok: true, template: engineFor(escape, partials).parse(source) };
  } catch (error) {
    return { ok: false, error: liquidMessage(error) };
  }
}

const REQUIRED_MISSING = "required variable is missing";

export function liquidMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (message.startsWith(REQUIRED_MISSING)) {
    const text = String((error as { token?: { getText?: () => string } }).token?.getText?.() ?? "");
    const variable = /\{\{-?\s*([^|}]+?)\s*\|/.exec(text)?.[1];
    return variable ? `Missing required variable ${variable}` : "A required variable is missing";
  }
  const partial = /^ENOENT: Failed to lookup "([^"]*)"/.exec(message);
  if (partial) return `No partial named "${partial[1]}" (create it under Templates, as a partial)`;
  return message.replace(/, file:.*$/, "");
}

/**
 * The partials a parsed template includes by name: `{% render 'x' %}`, `{% include 'x' %}`, `{% layout 'x' %}`,
 * inside any block. Only names written in quotes: a name taken from a variable is known only when rendering.
 */
export function partialReferences(template: Template[]): string[] {
  const names = new Set<string>();
  const visit = (node: Template) => {
    const name = node.partialScope?.()?.name;
    if (name !== undefined) names.add(name);
    // children(false): a tag's own blocks, without loading the partials it names (they may not exist)
    if (node.children) for (const child of toValueSync(node.children(false, true)) as Template[]) visit(child);
  };
  template.forEach(visit);
  return [...names];
}

export function renderLiquid(
  template: Template[],
  scope: RenderScope | object,
  escape: OutputEscape = "text",
  partials?: Partials,
  renderLimitMs?: number,
): string {
  return String(
    engineFor(escape, partials).renderSync(
      template,
      scope as unknown as object,
      renderLimitMs === undefined ? undefined : { renderLimit: renderLimitMs },
    ),
  );
}

function has(value: unknown, key: string | number): boolean {
  return value != null && typeof value === "object" && Object.prototype.hasOwnProperty.call(value, key);
}

/**
 * The variable paths a template reads that `scope` lacks (null and undefined count as lacking), e.g.
 * "profile.traits.first_name". Variables assigned inside the template and loop variables are not scope reads.
 */
export function missingInTemplate(template: Template[], scope: RenderScope | object, partials?: Partials): string[] {
  const missing = new Set<string>();
  for (const segments of engineFor("text", partials).globalVariableSegmentsSync(template)) {
    let value: unknown = scope;
    const path: string[] = [];
    for (const segment of segments) {
      if (typeof segment !== "string" && typeof segment !== "number") break; // a dynamic index: stop at what is static
      // size/first/last are Liquid's own properties of arrays and strings
      if (
        (segment === "size" || segment === "first" || segment === "last") &&
        (Array.isArray(value) || typeof value === "string")
      )
        break;
      path.push(String(segment));
      if (!has(value, segment) || (value as Record<string, unknown>)[segment] == null) {
        missing.add(path.join("."));
        break;
      }
      value = (value as Record<string, unknown>)[segment];
    }
  }
  return [...missing];
}

// ---------------------------------------------------------------------------------------------------------
// Channel content: what a template version stores, one schema per channel.

export const CHANNELS = ["email", "sms", "push", "in_app"] as const;
export type Channel = (typeof CHANNELS)[number];

const required = (what: string, max: number) =>
  z
    .string({ error: `Write ${what}` })
    .trim()
    .min(1, `Write ${what}`)
    .max(max, `At most ${max} characters`);
const optionalText = (max: number) => z.string().max(max, `At most ${max} characters`).optional();
const ZLink = z
  .string()
  .trim()
  .max(2000, "At most 2,000 characters")
  .refine(
    (v) => /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(v) || /^\{\{.*\}\}\S*$/.test(v),
    "Must be a URL, e.g. https://example.com/orders or myapp://orders",
  );
const optionalLink = z.preprocess((v) => (v === "" ? undefined : v), ZLink.optional());

export const ZEmailContent = z
  .object({
    subject: required("a subject", 255),
    preheader: optionalText(255),
    html: required("the HTML body", 200_000),
    text: optionalText(100_000),
    /** an email layout (a template of kind "layout") that wraps the HTML body */
    layoutId: z.preprocess((v) => (v === "" ? undefined : v), z.uuid("must be a layout's id").optional()),
    /** made in the visual editor: the document the server compiles `html` from at save (lib/email-builder) */
    editor: ZEmailEditor.optional(),
  })
  .strict();
export const ZSmsContent = z
  .object({
    body: z
      .string({ error: "Write the message" })
      .trim()
      .min(1, "Write the message")
      .max(1600, "An SMS has at most 1,600 characters"),
  })
  .strict();
export const ZPushContent = z
  .object({
    title: required("a title", 200),
    body: required("the body", 1000),
    deepLink: optionalLink,
    imageUrl: optionalLink,
  })
  .strict();
export const ZInAppContent = z
  .object({
    title: required("a title", 200),
    body: required("the body", 5000),
    cta: z
      .object({ label: required("the button label", 60), url: ZLink })
      .strict()
      .optional(),
  })
  .strict();

/** A reusable snippet, included by name: `{% render 'footer' %}`. */
export const ZPartialContent = z.object({ body: required("the snippet", 100_000) }).strict();
/** An email layout: the HTML around every email that uses it, with `{{ content }}` where the email's body goes. */
export const ZLayoutContent = z
  .object({
    html: required("the layout HTML", 200_000).refine(
      (html) => /\{\{-?\s*content\s*-?\}\}/.test(html),
      "Put {{ content }} where each email's body goes",
    ),
  })
  .strict();

/** How a webhook template's body is sent: its Content-Type, and whether the rendered body must be JSON. */
export const WEBHOOK_CONTENT_TYPES = {
  json: "application/json",
  form: "application/x-www-form-urlencoded",
  text: "text/plain; charset=utf-8",
} as const;
export type WebhookContentType = keyof typeof WEBHOOK_CONTENT_TYPES;
/**
 * A header name a webhook template may set: an HTTP token, without "." (a field's path is
 * content.headers.<name>, and a dot would split it).
 */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+^_`|~-]{1,100}$/;

/**
 * A webhook body template: the reusable content of a webhook step's request (the step keeps the URL and method,
 * which say where it goes). Body and header values are Liquid, rendered like an inline webhook body.
 */
export const ZWebhookContent = z
  .object({
    contentType: z.enum(["json", "form", "text"], { error: "must be json, form or text" }).default("json"),
    body: z
      .string({ error: "Write the body" })
      .trim()
      .min(1, "Write the body")
      .max(100_000, "At most 100,000 characters"),
    headers: z
      .record(
        z
          .string()
          .regex(HEADER_NAME, "A header name has letters, digits and - (no spaces, colons or dots), e.g. X-Api-Key"),
        z.string().max(8_000, "At most 8,000 characters"),
      )
      .refine((h) => Object.keys(h).length <= 50, "At most 50 headers")
      .optional(),
  })
  .strict();

/** What templates can be: a message channel, a webhook body, or a building block of other templates. */
export const TEMPLATE_KINDS = [...CHANNELS, "webhook", "partial", "layout"] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];
export const isChannel = (kind: string): kind is Channel => (CHANNELS as readonly string[]).includes(kind);

export const CONTENT_SCHEMAS = {
  email: ZEmailContent,
  sms: ZSmsContent,
  push: ZPushContent,
  in_app: ZInAppContent,
  webhook: ZWebhookContent,
  partial: ZPartialContent,
  layout: ZLayoutContent,
} as const;
export type EmailContent = z.output<typeof ZEmailContent>;
export type SmsContent = z.output<typeof ZSmsContent>;
export type PushContent = z.output<typeof ZPushContent>;
export type InAppContent = z.output<typeof ZInAppContent>;
export type WebhookContent = z.output<typeof ZWebhookContent>;
export type TemplateContent =
  | EmailContent
  | SmsContent
  | PushContent
  | InAppContent
  | WebhookContent
  | z.output<typeof ZPartialContent>
  | z.output<typeof ZLayoutContent>;

/** The Liquid fields of each channel, as dotted paths into the content. */
export const LIQUID_FIELDS: Record<TemplateKind, string[]> = {
  email: ["subject", "preheader", "html", "text"],
  sms: ["body"],
  push: ["title", "body", "deepLink", "imageUrl"],
  in_app: ["title", "body", "cta.label", "cta.url"],
  // and headers.<name> for each header it sets (liquidSources)
  webhook: ["body"],
  partial: ["body"],
  layout: ["html"],
};

function fieldOf(content: unknown, path: string): string | undefined {
  let value: unknown = content;
  for (const key of path.split("."))
    value = value != null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  return typeof value === "string" ? value : undefined;
}

/** The Liquid fields `content` has, with their sources, in the channel's field order (a webhook's headers after its body). */
export function liquidSources(kind: TemplateKind, content: unknown): { field: string; source: string }[] {
  const fields = [...LIQUID_FIELDS[kind]];
  const headers =
    kind === "webhook" && content != null && typeof content === "object"
      ? (content as { headers?: unknown }).headers
      : undefined;
  if (headers != null && typeof headers === "object")
    fields.push(...Object.keys(headers).map((name) => `headers.${name}`));
  return fields.flatMap((field) => {
    const source = fieldOf(content, field);
    return source === undefined ? [] : [{ field, source }];
  });
}

/** How a field's `{{ }}` output is escaped: HTML in email bodies and layouts, data (objects as JSON) in webhook templates. */
function escapeOf(kind: TemplateKind, field: string): OutputEscape {
  if (kind === "webhook") return "data";
  return HTML_FIELDS.has(`${kind}:${field}`) ? "html" : "text";
}

/** Parses every Liquid field; one issue per field that does not parse, its path prefixed with `prefix`. */
export function liquidIssues(channel: TemplateKind, content: unknown, prefix = "content"): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const { field, source } of liquidSources(channel, content)) {
    const parsed = parseLiquid(source);
    if (!parsed.ok)
      issues.push({ path: [prefix, field].filter(Boolean).join("."), message: `Liquid error: ${parsed.error}` });
  }
  return issues;
}

export interface RenderResult {
  /** rendered fields, dotted path → text; email also gets `text` derived from the HTML when none is written */
  fields: Record<string, string>;
  /** fields that failed to parse or render, with Liquid's message */
  errors: FieldIssue[];
}

/** What a template may pull in: the workspace's partials, and for email the layout's HTML. */
export interface RenderAssets {
  partials?: Partials;
  layoutHtml?: string | null;
}

// The email body goes into the layout after both are rendered, so the layout's escaping never touches it.
const CONTENT_SLOT = "CAIRN_LAYOUT_CONTENT_SLOT_7f3a";

/**
 * Renders every Liquid field of `content` with `scope`; a field that fails is reported, not thrown. All fields
 * (and the layout) share one budget: each field gets the time that is left, and once the time or the output
 * allowance is spent the rest is not rendered (the message fails with the reason). Synchronous: a request
 * handler or the delivery engine renders through renderIsolated (render-pool.ts), which runs this off the thread.
 */
export function renderTemplate(
  channel: TemplateKind,
  content: unknown,
  scope: RenderScope | object,
  assets: RenderAssets = {},
  budget: RenderBudget = RENDER_BUDGET,
): RenderResult {
  const fields: Record<string, string> = {};
  const errors: FieldIssue[] = [];
  const deadline = performance.now() + budget.ms;
  let output = 0;
  let exhausted = false;
  // the field's own problem, or the budget's (then nothing more is rendered)
  const render = (
    path: string,
    source: string,
    fieldScope: RenderScope | object,
    escape: OutputEscape,
    prefix = "Liquid error: ",
  ): string | null => {
    const left = deadline - performance.now();
    const rendered =
      left > 0
        ? renderSource(source, fieldScope, escape, assets.partials, left)
        : ({ ok: false, error: RENDER_LIMIT } as const);
    if (rendered.ok && output + rendered.text.length <= budget.maxOutputChars) {
      output += rendered.text.length;
      return rendered.text;
    }
    const spent = rendered.ok
      ? renderTooLargeMessage(budget.maxOutputChars)
      : rendered.error === RENDER_LIMIT
        ? renderTimeoutMessage(budget.ms)
        : null;
    errors.push({
      path,
      message: spent ? `Liquid error: ${spent}` : `${prefix}${(rendered as { error: string }).error}`,
    });
    if (spent) exhausted = true;
    return null;
  };
  for (const { field, source } of liquidSources(channel, content)) {
    // a layout on its own (its preview) gets a marker where an email's content would go
    const text = render(
      `content.${field}`,
      source,
      channel === "layout" ? ({ ...scope, content: CONTENT_SLOT } as RenderScope) : scope,
      escapeOf(channel, field),
    );
    if (text !== null) fields[field] = text;
    if (exhausted) return { fields, errors };
  }
  if (channel === "email" && assets.layoutHtml && fields.html !== undefined) {
    const layout = render(
      "content.layoutId",
      assets.layoutHtml,
      { ...scope, content: CONTENT_SLOT } as RenderScope,
      "html",
      "The layout does not render: Liquid error: ",
    );
    if (layout !== null) fields.html = wrapInLayout(layout, CONTENT_SLOT, fields.html);
    if (exhausted) return { fields, errors };
  }
  if (channel === "email" && !fields.text?.trim() && fields.html !== undefined) fields.text = htmlToText(fields.html);
  if (channel === "layout" && fields.html !== undefined)
    fields.html = fields.html.replace(CONTENT_SLOT, "<p><em>The email's content goes here.</em></p>");
  return { fields, errors };
}

// liquidjs's own messages when a limit is hit (RenderError wraps them: "... limit exceeded, line:1, col:1")
const RENDER_LIMIT = "template render limit exceeded";
const MEMORY_LIMIT = "memory alloc limit exceeded";

/**
 * Whether rendering `content` could take long enough to need another thread: only tags (`{% for %}`, `{% render %}`,
 * `{% assign %}` …) repeat work; a template of output expressions alone costs about its length (and every filter
 * counts against liquidjs's memoryLimit), so a short one renders faster in place than the hop to a worker.
 */
export function needsIsolation(channel: TemplateKind, content: unknown, assets: RenderAssets = {}): boolean {
  const sources = liquidSources(channel, content).map((s) => s.source);
  if (assets.layoutHtml) sources.push(assets.layoutHtml);
  let length = 0;
  for (const source of sources) {
    if (source.includes("{%")) return true;
    length += source.length;
  }
  return length > 20_000;
}

/** Parses and renders one source; a failure (syntax, unknown filter or partial, missing required variable, a limit) is returned, not thrown. */
export function renderSource(
  source: string,
  scope: RenderScope | object,
  escape: OutputEscape,
  partials?: Partials,
  renderLimitMs?: number,
): { ok: true; text: string } | { ok: false; error: string } {
  const parsed = parseLiquid(source, escape, partials);
  if (!parsed.ok) return parsed;
  try {
    return { ok: true, text: renderLiquid(parsed.template, scope, escape, partials, renderLimitMs) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (message.startsWith(RENDER_LIMIT)) return { ok: false, error: RENDER_LIMIT };
    if (message.startsWith(MEMORY_LIMIT)) return { ok: false, error: TOO_MUCH_MEMORY };
    return { ok: false, error: liquidMessage(error) };
  }
}

/** The variable paths the template's fields read that `scope` lacks, in order of first appearance. */
export function missingVariables(
  channel: TemplateKind,
  content: unknown,
  scope: RenderScope | object,
  partials?: Partials,
): string[] {
  const missing = new Set<string>();
  for (const { source } of liquidSources(channel, content)) {
    const parsed = parseLiquid(source, "text", partials);
    if (!parsed.ok) continue;
    try {
      for (const path of missingInTemplate(parsed.template, scope, partials)) missing.add(path);
    } catch {
      // an unknown partial: the render reports it
    }
  }
  return [...missing];
}

/** A plain-text version of an email's HTML: blocks become lines, links keep their address, tags go. */
export function htmlToText(html: string): string {
  return (
    html
      .replace(/<(head|style|script|title)[^>]*>[\s\S]*?<\/\1>/gi, "")
      .replace(/<a\s[^>]*href\s*=\s*["']([^"']+)["'][^>]*>([\s\S]*?)<\/a>/gi, (_m, href: string, label: string) => {
        const text = label.replace(/<[^>]+>/g, "").trim();
        return text && text !== href ? `${text} (${href})` : href;
      })
      .replace(/<br\s*\/?>/gi, "\n")
      .replace(/<li[^>]*>/gi, "\n- ")
      .replace(/<\/(p|div|h[1-6]|tr|table|ul|ol|blockquote|header|footer|section|article|nav|main|center)>/gi, "\n\n")
      .replace(/<[^>]+>/g, "")
      // every named, decimal and hex entity (HTML's own rules: an invalid code point becomes U+FFFD, never a throw)
      .replace(/&#?\w+;/g, (entity) => decodeHTMLStrict(entity))
      .replace(/\u00a0/g, " ")
      .replace(/[ \t]+/g, " ")
      .replace(/ *\n */g, "\n")
      .replace(/\n{3,}/g, "\n\n")
      .trim()
  );
}

/** A sample profile for previews when the workspace has none (or none is chosen); labelled as such in the UI. */
export const SAMPLE_SCOPE: RenderScope = {
  profile: {
    userId: "sample-user",
    email: "ada@example.com",
    phone: "+15555550100",
    timezone: "Europe/London",
    traits: { first_name: "Ada", last_name: "Lovelace", plan: "pro" },
  },
  event: {
    name: "Order Completed",
    properties: { order_id: "1001", total: 42.5, currency: "USD", at: "2026-01-15T09:30:00Z" },
  },
  journey: { id: null, name: "Sample journey" },
  message: { id: null },
  unsubscribe_url: "https://cairn.example/u/preview",
  preferences_url: "https://cairn.example/preferences/preview",
};
