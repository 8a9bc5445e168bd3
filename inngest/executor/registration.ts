import { MAX_RETRIES, DEFAULT_RETRIES } from "./backoff";
import { parseCron, type CronSchedule } from "./cron";
import { parseExpression, type Expression } from "./expressions";

/**
 * Function registration ("sync"): the body the SDK POSTs to /fn/register when its serve endpoint gets a
 * PUT, turned into the definitions the executor runs — or rejected, naming the function and the feature,
 * when a config asks for something this executor does not do. Rejecting at sync time is the point: a
 * function that silently lost its rate limit or batching would behave differently here than on Inngest.
 */

export interface ConcurrencyLimit {
  limit: number;
  key?: Expression;
  scope: "fn" | "env" | "account";
  /** The expression as written, part of the slot key so that different keys never share a slot. */
  keySource: string;
}

export interface EventTrigger {
  /** Exact event name, or a prefix when the trigger ends in `*` (e.g. `app/user.*`). */
  event: string;
  wildcard: boolean;
  condition?: Expression;
}

export interface FunctionDefinition {
  id: string;
  name: string;
  appName: string;
  /** The serve endpoint URL for this function, with `fnId` and `stepId=step` query parameters. */
  url: string;
  retries: number;
  eventTriggers: EventTrigger[];
  cronTriggers: { cron: string; schedule: CronSchedule }[];
  concurrency: ConcurrencyLimit[];
  idempotency?: Expression;
  /** The config as the SDK sent it (stored, and parsed again on load). */
  config: Record<string, unknown>;
}

export interface AppRegistration {
  appName: string;
  url: string;
  sdk: string;
  functions: FunctionDefinition[];
}

export class RegistrationError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("; "));
    this.name = "RegistrationError";
  }
}

const SUPPORTED =
  "supported: event triggers (exact names, `*` suffix wildcards, simple `if` expressions), cron triggers, retries, concurrency limits with keys, idempotency";

/** Config fields Inngest has that this executor deliberately does not implement. */
const UNSUPPORTED_FIELDS: Record<string, string> = {
  batchEvents: "event batching (batchEvents)",
  rateLimit: "rate limiting (rateLimit)",
  throttle: "throttling (throttle)",
  debounce: "debouncing (debounce)",
  priority: "run priority (priority)",
  cancel: "cancellation by event (cancelOn)",
  singleton: "singleton runs (singleton)",
  timeouts: "start/finish timeouts (timeouts)",
};
const KNOWN_FIELDS = new Set([
  "id",
  "name",
  "triggers",
  "steps",
  "idempotency",
  "concurrency",
  ...Object.keys(UNSUPPORTED_FIELDS),
]);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function expression(source: unknown, what: string, fnId: string, problems: string[]): Expression | undefined {
  if (typeof source !== "string" || !source.trim()) {
    problems.push(`Function "${fnId}": ${what} must be a non-empty expression`);
    return undefined;
  }
  try {
    return parseExpression(source);
  } catch (error) {
    problems.push(
      `Function "${fnId}": ${what} "${source}" cannot be evaluated by Cairn's embedded executor (${(error as Error).message})`,
    );
    return undefined;
  }
}

export function parseFunctionConfig(raw: unknown, appName: string, problems: string[]): FunctionDefinition | undefined {
  if (!isRecord(raw) || typeof raw.id !== "string" || !raw.id) {
    problems.push(`A function config has no id: ${JSON.stringify(raw)?.slice(0, 200)}`);
    return undefined;
  }
  const id = raw.id;
  const before = problems.length;

  for (const [field, value] of Object.entries(raw)) {
    if (value === undefined || value === null) continue;
    if (UNSUPPORTED_FIELDS[field])
      problems.push(
        `Function "${id}" uses ${UNSUPPORTED_FIELDS[field]}, which Cairn's embedded executor does not implement (${SUPPORTED})`,
      );
    else if (!KNOWN_FIELDS.has(field))
      problems.push(
        `Function "${id}" has config field "${field}", which Cairn's embedded executor does not know (${SUPPORTED})`,
      );
  }

  // One HTTP step runtime, as the JS SDK registers it.
  let url = "";
  let retries = DEFAULT_RETRIES;
  const steps = isRecord(raw.steps) ? raw.steps : {};
  const stepKeys = Object.keys(steps);
  const step = steps.step;
  if (stepKeys.length !== 1 || !isRecord(step)) {
    problems.push(
      `Function "${id}" has steps ${JSON.stringify(stepKeys)}; Cairn's embedded executor runs exactly one HTTP runtime named "step"`,
    );
  } else {
    const runtime = isRecord(step.runtime) ? step.runtime : {};
    if (runtime.type !== "http")
      problems.push(
        `Function "${id}" uses the "${String(runtime.type)}" runtime; Cairn's embedded executor only calls HTTP serve endpoints (not connect/websocket workers)`,
      );
    try {
      url = new URL(String(runtime.url)).href;
    } catch {
      problems.push(`Function "${id}" has no valid runtime URL (${String(runtime.url)})`);
    }
    const attempts = isRecord(step.retries) ? step.retries.attempts : undefined;
    if (attempts !== undefined) {
      if (typeof attempts !== "number" || !Number.isInteger(attempts) || attempts < 0 || attempts > MAX_RETRIES)
        problems.push(
          `Function "${id}": retries must be a whole number from 0 to ${MAX_RETRIES}, got ${String(attempts)}`,
        );
      else retries = attempts;
    }
  }

  const eventTriggers: EventTrigger[] = [];
  const cronTriggers: FunctionDefinition["cronTriggers"] = [];
  const triggers = Array.isArray(raw.triggers) ? raw.triggers : [];
  if (triggers.length === 0) problems.push(`Function "${id}" has no triggers`);
  for (const trigger of triggers) {
    if (isRecord(trigger) && typeof trigger.event === "string" && trigger.event) {
      const wildcard = trigger.event.endsWith("*");
      const event = wildcard ? trigger.event.slice(0, -1) : trigger.event;
      if (event.includes("*")) {
        problems.push(
          `Function "${id}": trigger "${trigger.event}" has a wildcard that is not at the end; Cairn's embedded executor supports only "prefix*"`,
        );
        continue;
      }
      const condition =
        trigger.expression === undefined || trigger.expression === null
          ? undefined
          : expression(trigger.expression, "trigger expression", id, problems);
      eventTriggers.push({ event, wildcard, condition });
    } else if (isRecord(trigger) && typeof trigger.cron === "string") {
      if (trigger.jitter)
        problems.push(`Function "${id}": cron jitter is not implemented by Cairn's embedded executor`);
      try {
        cronTriggers.push({ cron: trigger.cron, schedule: parseCron(trigger.cron) });
      } catch (error) {
        problems.push(`Function "${id}": cron "${trigger.cron}" cannot be scheduled (${(error as Error).message})`);
      }
    } else
      problems.push(`Function "${id}" has a trigger Cairn's embedded executor cannot read: ${JSON.stringify(trigger)}`);
  }

  const concurrency: ConcurrencyLimit[] = [];
  if (raw.concurrency !== undefined && raw.concurrency !== null) {
    const list = Array.isArray(raw.concurrency) ? raw.concurrency : [raw.concurrency];
    if (list.length > 2) problems.push(`Function "${id}" has ${list.length} concurrency limits; at most 2 are allowed`);
    for (const item of list.slice(0, 2)) {
      const option = typeof item === "number" ? { limit: item } : isRecord(item) ? item : {};
      const limit = option.limit;
      if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 0) {
        problems.push(`Function "${id}": concurrency limit must be a whole number ≥ 0, got ${JSON.stringify(item)}`);
        continue;
      }
      const scope = option.scope ?? "fn";
      if (scope !== "fn" && scope !== "env" && scope !== "account") {
        problems.push(`Function "${id}": concurrency scope "${String(scope)}" is not one of fn, env, account`);
        continue;
      }
      if (limit === 0) continue; // Inngest: 0 means "no limit of its own"
      const key = option.key === undefined ? undefined : expression(option.key, "concurrency key", id, problems);
      concurrency.push({ limit, key, scope, keySource: typeof option.key === "string" ? option.key : "" });
    }
  }

  const idempotency =
    raw.idempotency === undefined || raw.idempotency === null
      ? undefined
      : expression(raw.idempotency, "idempotency key", id, problems);

  if (problems.length > before) return undefined;
  return {
    id,
    name: typeof raw.name === "string" ? raw.name : id,
    appName,
    url,
    retries,
    eventTriggers,
    cronTriggers,
    concurrency,
    idempotency,
    config: raw,
  };
}

/** Validates a /fn/register body; throws RegistrationError listing every problem. */
export function parseRegistration(body: unknown): AppRegistration {
  if (!isRecord(body)) throw new RegistrationError(["The registration body must be a JSON object"]);
  const problems: string[] = [];
  const appName = typeof body.appName === "string" && body.appName ? body.appName : "";
  if (!appName) problems.push("The registration has no appName");
  let url = "";
  try {
    url = new URL(String(body.url)).href;
  } catch {
    problems.push(`The registration has no valid app url (${String(body.url)})`);
  }
  if (!Array.isArray(body.functions)) problems.push("The registration has no functions array");
  const functions: FunctionDefinition[] = [];
  const seen = new Set<string>();
  for (const raw of Array.isArray(body.functions) ? body.functions : []) {
    const fn = parseFunctionConfig(raw, appName, problems);
    if (!fn) continue;
    if (seen.has(fn.id)) problems.push(`Function id "${fn.id}" is registered twice`);
    seen.add(fn.id);
    functions.push(fn);
  }
  if (problems.length) throw new RegistrationError(problems);
  return { appName, url, sdk: typeof body.sdk === "string" ? body.sdk : "", functions };
}

/**
 * The app URLs an executor runs functions for. A sync is only a request to register whatever URL the body
 * names, and the SDK signs it with the app's real key even when the PUT that set it off came from anyone
 * with a forged Host header; so the executor, not the caller, decides which serve endpoints it will call.
 */
export class AppUrlAllowList {
  private readonly allowed = new Set<string>();

  constructor(urls: Iterable<string> = []) {
    for (const url of urls) this.add(url);
  }

  /** Adds a serve endpoint URL (throws on one that is not an absolute http(s) URL). */
  add(url: string): void {
    this.allowed.add(endpointKey(url));
  }

  get size(): number {
    return this.allowed.size;
  }

  list(): string[] {
    return [...this.allowed];
  }

  /** Whether `url` (a serve endpoint, maybe with fnId/stepId query parameters) is one of the allowed endpoints. */
  allows(url: string): boolean {
    try {
      return this.allowed.has(endpointKey(url));
    } catch {
      return false;
    }
  }

  /**
   * Throws RegistrationRefused when the registration's app URL, or any function's runtime URL, is not an
   * allowed endpoint: every run would otherwise go to whoever the URL names.
   */
  check(registration: AppRegistration): void {
    const foreign = [registration.url, ...registration.functions.map((f) => f.url)].filter((url) => !this.allows(url));
    if (!foreign.length) return;
    const allowed = this.size ? this.list().join(", ") : "none";
    throw new RegistrationRefused(
      `The registration names ${[...new Set(foreign.map((u) => endpointKeyOrRaw(u)))].join(", ")}, which is not an app this executor runs (allowed: ${allowed}; set CAIRN_EXECUTOR_APP_URL or CAIRN_EXECUTOR_ALLOWED_APP_URLS). Nothing was changed.`,
    );
  }
}

export class RegistrationRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RegistrationRefused";
  }
}

/** A serve endpoint as compared: scheme, host, port and path (no query, no fragment, no trailing slash). */
function endpointKey(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error(`"${url}" is not an http(s) URL`);
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, "")}`;
}

function endpointKeyOrRaw(url: string): string {
  try {
    return endpointKey(url);
  } catch {
    return url;
  }
}

/** CAIRN_EXECUTOR_ALLOWED_APP_URLS: comma- or whitespace-separated serve endpoint URLs. */
export function parseAllowedAppUrls(raw: string | undefined): string[] {
  const urls = (raw ?? "").split(/[\s,]+/).filter(Boolean);
  for (const url of urls) {
    try {
      endpointKey(url);
    } catch {
      throw new Error(`CAIRN_EXECUTOR_ALLOWED_APP_URLS: "${url}" is not an absolute http(s) URL`);
    }
  }
  return urls;
}
