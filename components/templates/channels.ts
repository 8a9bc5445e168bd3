/** The channels and their editable fields, for the client (the schemas themselves live in lib/messaging/liquid.ts). */
export type ChannelName = "email" | "sms" | "push" | "in_app";

export const CHANNEL_OPTIONS: { value: ChannelName; label: string }[] = [
  { value: "email", label: "Email" },
  { value: "sms", label: "SMS" },
  { value: "push", label: "Push" },
  { value: "in_app", label: "In-app" },
];

export const CHANNEL_LABEL: Record<ChannelName, string> = {
  email: "Email",
  sms: "SMS",
  push: "Push",
  in_app: "In-app",
};

/** What a template can be: a channel's message, a webhook's request body, or a building block (a partial, an email layout). */
export type TemplateKind = ChannelName | "webhook" | "partial" | "layout";
export const KIND_OPTIONS: { value: TemplateKind; label: string }[] = [
  ...CHANNEL_OPTIONS,
  { value: "webhook", label: "Webhook (a request body)" },
  { value: "partial", label: "Partial (a reusable snippet)" },
  { value: "layout", label: "Email layout" },
];
export const KIND_LABEL: Record<TemplateKind, string> = {
  ...CHANNEL_LABEL,
  webhook: "Webhook",
  partial: "Partial",
  layout: "Email layout",
};

export interface FieldSpec {
  /** dotted path in the content, e.g. "cta.label" */
  path: string;
  label: string;
  /**
   * "layout": a choice among the workspace's email layouts; "select": one of `options`; "headers": name → value
   * rows (held in the flat fields as JSON, see flatten)
   */
  kind: "line" | "text" | "code" | "layout" | "select" | "headers";
  required?: boolean;
  hint?: string;
  max?: number;
  options?: { value: string; label: string }[];
}

export const CHANNEL_FIELDS: Record<TemplateKind, FieldSpec[]> = {
  email: [
    {
      path: "layoutId",
      label: "Layout",
      kind: "layout",
      hint: "The HTML around the body: header, footer, styles. Manage layouts as templates of their own.",
    },
    { path: "subject", label: "Subject", kind: "line", required: true, max: 255 },
    {
      path: "preheader",
      label: "Preheader",
      kind: "line",
      hint: "The preview line inbox lists show after the subject.",
      max: 255,
    },
    { path: "html", label: "HTML body", kind: "code", required: true },
    {
      path: "text",
      label: "Plain-text body",
      kind: "text",
      hint: "Leave empty to derive it from the HTML when the email is sent.",
    },
  ],
  sms: [{ path: "body", label: "Message", kind: "text", required: true, max: 1600 }],
  push: [
    { path: "title", label: "Title", kind: "line", required: true, max: 200 },
    { path: "body", label: "Body", kind: "text", required: true, max: 1000 },
    {
      path: "deepLink",
      label: "Deep link",
      kind: "line",
      hint: "Opened on tap, e.g. myapp://orders/{{ event.properties.order_id }}",
    },
    { path: "imageUrl", label: "Image URL", kind: "line" },
  ],
  in_app: [
    { path: "title", label: "Title", kind: "line", required: true, max: 200 },
    { path: "body", label: "Body", kind: "text", required: true, max: 5000 },
    {
      path: "cta.label",
      label: "Button label",
      kind: "line",
      hint: "Optional call to action: a label and a URL.",
      max: 60,
    },
    { path: "cta.url", label: "Button URL", kind: "line" },
  ],
  webhook: [
    {
      path: "contentType",
      label: "Content type",
      kind: "select",
      required: true,
      options: [
        { value: "json", label: "JSON (application/json)" },
        { value: "form", label: "Form (application/x-www-form-urlencoded)" },
        { value: "text", label: "Plain text" },
      ],
      hint: "JSON bodies must render to JSON: a call whose body does not fails instead of going out.",
    },
    {
      path: "body",
      label: "Body",
      kind: "code",
      required: true,
      max: 100_000,
      hint: "Inside JSON, write {{ profile.traits.name | json }} without quotes around it. Partials work here too: {% render 'customer', profile: profile %}.",
    },
    {
      path: "headers",
      label: "Headers",
      kind: "headers",
      hint: "Values are Liquid. The webhook step's URL and method say where the request goes; headers set on the step win over these.",
    },
  ],
  partial: [
    {
      path: "body",
      label: "Snippet",
      kind: "code",
      required: true,
      hint: "Any template includes it by this template's name: {% render 'footer' %}. Variables can be passed: {% render 'footer', tone: 'warm' %}.",
    },
  ],
  layout: [
    {
      path: "html",
      label: "Layout HTML",
      kind: "code",
      required: true,
      hint: "Put {{ content }} where each email's body goes.",
    },
  ],
};

export type FlatContent = Record<string, string>;

/** Header rows as the editor holds them: [name, value] pairs, kept in order (and while a name is half-typed). */
export type HeaderRows = [string, string][];
export const headerRows = (flat: string | undefined): HeaderRows => (flat ? (JSON.parse(flat) as HeaderRows) : []);

/** Stored content → the editor's flat fields. */
export function flatten(channel: TemplateKind, content: unknown): FlatContent {
  const flat: FlatContent = {};
  for (const field of CHANNEL_FIELDS[channel]) {
    let value: unknown = content;
    for (const key of field.path.split("."))
      value = value != null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
    if (field.kind === "headers")
      flat[field.path] = JSON.stringify(value != null && typeof value === "object" ? Object.entries(value) : []);
    else flat[field.path] = typeof value === "string" ? value : (field.options?.[0]?.value ?? "");
  }
  return flat;
}

/** The editor's flat fields → content to save: empty optional fields are left out, the CTA only when it has something. */
export function unflatten(channel: TemplateKind, flat: FlatContent): Record<string, unknown> {
  const content: Record<string, unknown> = {};
  for (const field of CHANNEL_FIELDS[channel]) {
    if (field.kind === "headers") {
      const rows = headerRows(flat[field.path]).filter(([name, value]) => name.trim() || value);
      if (rows.length) content[field.path] = Object.fromEntries(rows.map(([name, value]) => [name.trim(), value]));
      continue;
    }
    const value = flat[field.path] ?? "";
    if (!field.required && value === "") continue;
    const [head, tail] = field.path.split(".");
    if (tail) content[head] = { ...(content[head] as Record<string, unknown> | undefined), [tail]: value };
    else content[head] = value;
  }
  if (channel === "in_app" && content.cta)
    content.cta = { label: "", url: "", ...(content.cta as Record<string, string>) };
  return content;
}
