import type { BroadcastChannel, BroadcastStatus, WinnerMetric } from "@/lib/broadcasts/schemas";
import { MAX_WEBHOOK_HEADERS, WEBHOOK_METHODS } from "@/lib/broadcasts/schemas";
import { ROLE_LABELS, roleAtLeast, type RoleName } from "@/lib/auth/permissions";
import { isValidTimeZone, zonedTimeToInstant } from "@/lib/engine/time";
import { formatDateTime, plural } from "../ui/format";

/**
 * The broadcast pages' pure parts: the editor's form state and the API body it becomes, the status line of the
 * list, the throttle's duration, and the sentence the confirmation dialog states. No React here, so it is unit
 * tested (model.test.ts).
 */

export const CHANNEL_LABELS: Record<BroadcastChannel, string> = {
  email: "Email",
  sms: "SMS",
  push: "Push",
  in_app: "In-app",
  webhook: "Webhook",
};

export const METRIC_LABELS: Record<WinnerMetric, string> = {
  open: "open rate",
  click: "click rate",
  conversion: "conversion rate",
};

export interface VariantForm {
  key: string;
  name: string;
  templateId: string;
  /** text while typed; checked on save */
  weight: string;
}

/** The editor's state: numbers are the text of their inputs, so a half-typed value is not lost. */
export interface DraftForm {
  name: string;
  segmentIds: string[];
  excludedSegmentIds: string[];
  variants: VariantForm[];
  holdoutPercent: string;
  winnerTest: boolean;
  testPercent: string;
  winnerAfterHours: string;
  winnerMetric: WinnerMetric;
  throttle: boolean;
  throttlePerMinute: string;
  conversion: boolean;
  conversionEvent: string;
  conversionWindowHours: string;
  /** a webhook broadcast's request; null for other channels */
  webhook: WebhookForm | null;
  /** the subscription topic's id, "" for none (components/broadcasts/topic-field.tsx) */
  topicId?: string;
}

/** What the editor saves (ZUpdateBroadcast's fields, all given). */
export interface DraftBody {
  name: string;
  segmentIds: string[];
  excludedSegmentIds: string[];
  variants: { key: string; name: string; templateId: string; weight: number }[];
  holdoutPercent: number;
  testPercent: number | null;
  winnerAfterHours: number | null;
  winnerMetric: WinnerMetric | null;
  throttlePerMinute: number | null;
  conversionEvent: string | null;
  conversionWindowHours: number;
  /** webhook broadcasts only */
  webhook?: WebhookBody;
  topicId?: string | null;
}

/** The saved draft's fields the form is made from (the broadcast as the API answers it). */
export interface DraftSource {
  name: string;
  segments: { id: string }[];
  excludedSegments: { id: string }[];
  variants: { key: string; name?: string; templateId: string; weight: number }[];
  holdoutPercent: number;
  testPercent: number | null;
  winnerAfterHours: number | null;
  winnerMetric: string | null;
  throttlePerMinute: number | null;
  conversionEvent: string | null;
  conversionWindowHours: number;
  channel?: BroadcastChannel;
  webhook?: WebhookBody | null;
  topicId?: string | null;
}

export function formFromDraft(d: DraftSource): DraftForm {
  return {
    name: d.name,
    segmentIds: d.segments.map((s) => s.id),
    excludedSegmentIds: d.excludedSegments.map((s) => s.id),
    variants: d.variants.map((v) => ({
      key: v.key,
      name: v.name ?? "",
      templateId: v.templateId,
      weight: String(v.weight),
    })),
    holdoutPercent: String(d.holdoutPercent),
    winnerTest: d.testPercent != null,
    testPercent: String(d.testPercent ?? 20),
    winnerAfterHours: String(d.winnerAfterHours ?? 4),
    winnerMetric: isWinnerMetric(d.winnerMetric) ? d.winnerMetric : d.channel === "webhook" ? "conversion" : "click",
    throttle: d.throttlePerMinute != null,
    throttlePerMinute: String(d.throttlePerMinute ?? 1000),
    conversion: d.conversionEvent != null,
    conversionEvent: d.conversionEvent ?? "",
    conversionWindowHours: String(d.conversionWindowHours),
    webhook: d.webhook ? webhookFormFrom(d.webhook) : null,
    ...(d.topicId !== undefined ? { topicId: d.topicId ?? "" } : {}),
  };
}

function isWinnerMetric(value: string | null): value is WinnerMetric {
  return value === "open" || value === "click" || value === "conversion";
}

const WHOLE = /^\s*-?\d+\s*$/;

/**
 * The body to save, or the fields that are not whole numbers (keyed by the API's paths, so they show where the
 * API's own messages show). Ranges and cross-field rules are the API's to check: one source of truth.
 */
export function bodyFromForm(form: DraftForm): { body: DraftBody | null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const whole = (path: string, text: string): number => {
    if (!WHOLE.test(text)) {
      errors[path] = "must be a whole number";
      return 0;
    }
    return Number(text);
  };
  const variants = form.variants.map((v, i) => ({
    key: v.key,
    name: v.name.trim(),
    templateId: v.templateId,
    weight: whole(`variants.${i}.weight`, v.weight),
  }));
  const body: DraftBody = {
    name: form.name,
    segmentIds: form.segmentIds,
    excludedSegmentIds: form.excludedSegmentIds,
    variants,
    holdoutPercent: whole("holdoutPercent", form.holdoutPercent),
    testPercent: form.winnerTest ? whole("testPercent", form.testPercent) : null,
    winnerAfterHours: form.winnerTest ? whole("winnerAfterHours", form.winnerAfterHours) : null,
    winnerMetric: form.winnerTest ? form.winnerMetric : null,
    throttlePerMinute: form.throttle ? whole("throttlePerMinute", form.throttlePerMinute) : null,
    conversionEvent: form.conversion ? form.conversionEvent.trim() || null : null,
    conversionWindowHours: whole("conversionWindowHours", form.conversionWindowHours),
    ...(form.topicId !== undefined ? { topicId: form.topicId || null } : {}),
  };
  if (form.conversion && !form.conversionEvent.trim()) errors.conversionEvent = "Name the event";
  if (form.webhook) {
    const webhook = webhookBodyFromForm(form.webhook);
    Object.assign(errors, webhook.errors);
    body.webhook = webhook.body;
  }
  return Object.keys(errors).length ? { body: null, errors } : { body, errors };
}

// ---- Webhook broadcasts

export type WebhookMethod = (typeof WEBHOOK_METHODS)[number];

/** A webhook broadcast's request as the editor holds it: headers as rows, so a half-typed one stays in place. */
export interface WebhookForm {
  url: string;
  method: WebhookMethod;
  headers: { name: string; value: string }[];
}

/** The request as the API takes and answers it (ZBroadcastWebhook). */
export interface WebhookBody {
  url: string;
  method: WebhookMethod;
  headers: Record<string, string>;
}

export const EMPTY_WEBHOOK: WebhookForm = { url: "", method: "POST", headers: [] };

export function webhookFormFrom(w: WebhookBody): WebhookForm {
  return {
    url: w.url,
    method: w.method,
    headers: Object.entries(w.headers).map(([name, value]) => ({ name, value })),
  };
}

/**
 * The request to save: blank header rows left out, a value without a name or a name given twice (headers ignore
 * case) an error on the row (`webhook.headers.<row>`). The URL, the names and the limits are the API's to check.
 */
export function webhookBodyFromForm(form: WebhookForm): { body: WebhookBody; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const headers: Record<string, string> = {};
  const seen = new Set<string>();
  form.headers.forEach((h, i) => {
    const name = h.name.trim();
    if (!name && !h.value.trim()) return;
    if (!name) errors[`webhook.headers.${i}`] = "Name the header";
    else if (seen.has(name.toLowerCase())) errors[`webhook.headers.${i}`] = `${name} is given twice`;
    else {
      seen.add(name.toLowerCase());
      headers[name] = h.value;
    }
  });
  return { body: { url: form.url.trim(), method: form.method, headers }, errors };
}

/** Whether another header row may be added (the API takes at most MAX_WEBHOOK_HEADERS). */
export const canAddHeader = (form: WebhookForm) => form.headers.length < MAX_WEBHOOK_HEADERS;

/**
 * The API's errors of header `name` (`webhook.headers.X-Api-Key`) moved onto the row that holds it
 * (`webhook.headers.<row>`), so the editor shows them beside it.
 */
export function headerErrorsByRow(form: WebhookForm, fieldErrors: Record<string, string>): Record<number, string> {
  const out: Record<number, string> = {};
  form.headers.forEach((h, i) => {
    const message = fieldErrors[`webhook.headers.${i}`] ?? fieldErrors[`webhook.headers.${h.name.trim()}`];
    if (message) out[i] = message;
  });
  return out;
}

/** Opens and clicks are measured on email, push and in-app (and SMS clicks); a webhook request has neither. */
export const tracksEngagement = (channel: BroadcastChannel) => channel !== "webhook";

/** How a winner may be chosen: a webhook has no opens or clicks, only conversions. */
export function winnerMetricsFor(channel: BroadcastChannel): WinnerMetric[] {
  return tracksEngagement(channel) ? ["open", "click", "conversion"] : ["conversion"];
}

/**
 * A previewed webhook request as the rendered-message view shows a webhook template (Content-Type, then the other
 * headers as `headers.<name>`, and the body).
 */
export function webhookPreviewFields(request: {
  headers: Record<string, string>;
  body: string;
}): Record<string, string> {
  const fields: Record<string, string> = { body: request.body };
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.toLowerCase() === "content-type") fields.contentType = value;
    else fields[`headers.${name}`] = value;
  }
  return fields;
}

/** The next unused variant key: A, B, … Z, then V27, V28, … */
export function nextVariantKey(keys: string[]): string {
  for (let i = 0; i < 26; i++) {
    const key = String.fromCharCode(65 + i);
    if (!keys.includes(key)) return key;
  }
  let n = 27;
  while (keys.includes(`V${n}`)) n++;
  return `V${n}`;
}

/** Weights that add up to 100 as evenly as whole numbers allow: 3 → 34/33/33. */
export function evenWeights(count: number): number[] {
  if (count <= 0) return [];
  const base = Math.floor(100 / count);
  return Array.from({ length: count }, (_, i) => base + (i < 100 - base * count ? 1 : 0));
}

/** The messages of one list from the API's dotted paths: "segmentIds" → "", "segmentIds.1" → "1". */
export function errorsUnder(fieldErrors: Record<string, string>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, message] of Object.entries(fieldErrors)) {
    if (path === prefix) out[""] = message;
    else if (path.startsWith(`${prefix}.`)) out[path.slice(prefix.length + 1)] = message;
  }
  return out;
}

// ---- Status and progress

export interface ProgressCounts {
  sent: number;
  pending: number;
  cancelled: number;
  suppressed: number;
  failed: number;
}

/** Share of the messages that are settled (sent, suppressed, failed or cancelled), 0–100, floored. */
export function progressPercent(p: ProgressCounts): number {
  const done = p.sent + p.suppressed + p.failed + p.cancelled;
  const total = done + p.pending;
  if (total === 0) return 0;
  return Math.floor((done / total) * 100);
}

export function statusTone(status: BroadcastStatus): "stone" | "brand" | "amber" | "red" {
  if (status === "SENT" || status === "SENDING") return "brand";
  if (status === "SCHEDULED" || status === "PAUSED") return "amber";
  if (status === "CANCELLED") return "red";
  return "stone";
}

/** "Draft", "Scheduled for 10 Dec 2026, 09:00 (Europe/Berlin)", "Sending 42 %", "Paused", "Sent", "Cancelled". */
export function statusLabel(b: {
  status: BroadcastStatus;
  scheduleKind: string;
  sendAt: string | null;
  localDate: string | null;
  localTime: string | null;
  timezone: string;
  progress: ProgressCounts | null;
}): string {
  switch (b.status) {
    case "DRAFT":
      return "Draft";
    case "SCHEDULED":
      return `Scheduled for ${scheduleText(b)}`;
    case "SENDING":
      return b.progress ? `Sending ${progressPercent(b.progress)} %` : "Sending";
    case "PAUSED":
      return "Paused";
    case "SENT":
      return "Sent";
    case "CANCELLED":
      return "Cancelled";
  }
}

/** When a scheduled broadcast goes out, in words. */
export function scheduleText(b: {
  scheduleKind: string;
  sendAt: string | null;
  localDate: string | null;
  localTime: string | null;
  timezone: string;
}): string {
  if (b.scheduleKind === "local" && b.localDate && b.localTime)
    return `${b.localDate} at ${b.localTime} in each recipient's time zone`;
  if (b.sendAt) return formatDateTime(b.sendAt, { timeZone: isValidTimeZone(b.timezone) ? b.timezone : "UTC" });
  return "now";
}

// ---- Throttle

/** "about 3 h 20 min" for sending `count` messages at `perMinute`; null when nothing limits the pace. */
export function throttleDuration(count: number, perMinute: number | null): string | null {
  if (!perMinute || perMinute <= 0 || count <= 0) return null;
  const minutes = Math.ceil(count / perMinute);
  return `about ${formatMinutes(minutes)}`;
}

export function formatMinutes(minutes: number): string {
  if (minutes < 60) return plural(Math.max(1, minutes), "minute");
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const parts = [days ? `${days} d` : "", hours ? `${hours} h` : "", rest ? `${rest} min` : ""].filter(Boolean);
  return parts.join(" ");
}

// ---- Schedule

export type ScheduleChoice =
  | { kind: "now" }
  | { kind: "at"; date: string; time: string }
  | { kind: "local"; date: string; time: string };

export type ScheduleBody =
  | { kind: "now" }
  | { kind: "at"; sendAt: string }
  | { kind: "local"; localDate: string; localTime: string };

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * The schedule the API takes: "at" is the date and time read in the workspace's zone, sent as an instant; a
 * local schedule goes as typed (the server reads it in each recipient's zone). A missing date or time is an error
 * on that field (schedule.sendAt, schedule.localDate, schedule.localTime), like the API's.
 */
export function scheduleBody(
  choice: ScheduleChoice,
  workspaceZone: string,
): { body: ScheduleBody | null; errors: Record<string, string> } {
  if (choice.kind === "now") return { body: { kind: "now" }, errors: {} };
  const errors: Record<string, string> = {};
  if (!DATE.test(choice.date)) errors[choice.kind === "at" ? "schedule.sendAt" : "schedule.localDate"] = "Pick a date";
  else if (!TIME.test(choice.time))
    errors[choice.kind === "at" ? "schedule.sendAt" : "schedule.localTime"] = "Pick a time";
  if (Object.keys(errors).length) return { body: null, errors };
  if (choice.kind === "local")
    return { body: { kind: "local", localDate: choice.date, localTime: choice.time }, errors };
  const [year, month, day] = choice.date.split("-").map(Number);
  const [hour, minute] = choice.time.split(":").map(Number);
  const zone = isValidTimeZone(workspaceZone) ? workspaceZone : "UTC";
  const instant = zonedTimeToInstant({ year, month, day, hour, minute }, zone);
  return { body: { kind: "at", sendAt: instant.toISOString() }, errors };
}

// ---- The confirmation

export interface SendSummary {
  name: string;
  channel: BroadcastChannel;
  /** the estimate's "will be sent" */
  count: number;
  schedule: ScheduleChoice;
  workspaceZone: string;
  variants: { key: string; weight: number }[];
  holdoutPercent: number;
  testPercent: number | null;
  winnerAfterHours: number | null;
  winnerMetric: WinnerMetric | null;
  throttlePerMinute: number | null;
}

/**
 * What the Send button will do, in one paragraph: "Send 'Black Friday' by email to 12,345 people now, 2 variants
 * 50/50, 10 % held out; the winner by click rate goes to the other 80 % after 4 hours."
 */
export function confirmationSentence(s: SendSummary): string {
  const by =
    s.channel === "in_app"
      ? "in the app inbox"
      : s.channel === "webhook"
        ? "as a webhook request"
        : `by ${CHANNEL_LABELS[s.channel].toLowerCase()}`;
  const people = plural(s.count, "person", "people");
  const when =
    s.schedule.kind === "now"
      ? "now"
      : s.schedule.kind === "at"
        ? `on ${s.schedule.date} at ${s.schedule.time} (${s.workspaceZone})`
        : `on ${s.schedule.date} at ${s.schedule.time} in each person's own time zone`;
  const parts = [`Send “${s.name}” ${by} ${s.channel === "webhook" ? "for each of" : "to"} ${people} ${when}`];
  if (s.variants.length > 1) parts.push(`${s.variants.length} variants ${s.variants.map((v) => v.weight).join("/")}`);
  if (s.holdoutPercent > 0) parts.push(`${s.holdoutPercent} % held out`);
  let sentence = parts.join(", ");
  if (s.testPercent != null && s.winnerMetric && s.winnerAfterHours != null && s.variants.length > 1) {
    const rest = 100 - s.testPercent;
    sentence += `; ${s.testPercent} % get the test first, and the winner by ${METRIC_LABELS[s.winnerMetric]} goes to the other ${rest} % after ${plural(s.winnerAfterHours, "hour")}`;
  }
  const duration = throttleDuration(s.count, s.throttlePerMinute);
  if (duration && s.throttlePerMinute)
    sentence += `. At most ${plural(s.throttlePerMinute, "message")} a minute: sending takes ${duration}`;
  return `${sentence}.`;
}

/**
 * The fresh count a refused send carries (409, `confirmedAudience`: "audience_changed: 12345"), or null when the
 * refusal was for another reason.
 */
export function changedAudience(error: { status: number; fields: Record<string, string> }): number | null {
  if (error.status !== 409) return null;
  const match = /^audience_changed: (\d+)$/.exec(error.fields.confirmedAudience ?? "");
  return match ? Number(match[1]) : null;
}

/**
 * The progress bar's counts from the messages' statuses: delivered and bounced messages were sent; queued ones
 * are pending.
 */
export function progressCounts(t: {
  queued: number;
  sent: number;
  delivered: number;
  suppressed: number;
  failed: number;
  bounced: number;
  cancelled: number;
}): ProgressCounts {
  return {
    sent: t.sent + t.delivered + t.bounced,
    pending: t.queued,
    cancelled: t.cancelled,
    suppressed: t.suppressed,
    failed: t.failed,
  };
}

/** Whether a member may send (the workspace's lowest sending role), and if not, which role may. */
export function sendPolicyFor(role: RoleName | null, sendRole: RoleName): { maySend: boolean; reason: string | null } {
  if (role && roleAtLeast(role, sendRole)) return { maySend: true, reason: null };
  const who = sendRole === "OWNER" ? "Owners" : `${ROLE_LABELS[sendRole]}s and up`;
  return {
    maySend: false,
    reason: `${who} may send broadcasts in this workspace (Settings → General); you can draft and test it, and ask one of them to send it.`,
  };
}
