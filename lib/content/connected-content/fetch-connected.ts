import "server-only";
import { renderSource } from "../../messaging/liquid";
import { OutboundBlockedError, OutboundTimeoutError, outboundRequest } from "../../security/outbound";
import { type ConnectedSpec, connectedKey } from "./syntax";

/**
 * Fetches what a template's connected_content tags name, before the render (lib/content/prepare-render.ts): each
 * URL rendered with the message's scope, requested through the outbound guard (no private or loopback addresses
 * unless the operator allows them, no redirects, a size cap, a deadline), with no cookies or credentials of ours,
 * and each JSON answer kept per workspace and URL for its `cache:` seconds in a bounded in-memory cache.
 */

/** The most an answer may be: it goes into every message's scope. */
export const MAX_ANSWER_BYTES = 256 * 1024;
/** The cache's bounds: entries and the answers' total size. */
const MAX_ENTRIES = 2_000;
const MAX_CACHED_BYTES = 32 * 1024 * 1024;

export interface ConnectedTrace {
  name: string;
  /** the URL with its query values and any user:password left out (they can carry keys) */
  url: string;
  status: number | null;
  ms: number;
  cacheHit: boolean;
  ok: boolean;
  error?: string;
  required?: boolean;
}

interface Entry {
  value: unknown;
  bytes: number;
  expiresAt: number;
}
const cache = new Map<string, Entry>();
let cachedBytes = 0;

function remember(key: string, entry: Entry): void {
  const old = cache.get(key);
  if (old) {
    cachedBytes -= old.bytes;
    cache.delete(key);
  }
  while (cache.size && (cache.size >= MAX_ENTRIES || cachedBytes + entry.bytes > MAX_CACHED_BYTES)) {
    const oldest = cache.keys().next().value!;
    cachedBytes -= cache.get(oldest)!.bytes;
    cache.delete(oldest);
  }
  cache.set(key, entry);
  cachedBytes += entry.bytes;
}

/** For tests: forget every cached answer. */
export function clearConnectedCache(): void {
  cache.clear();
  cachedBytes = 0;
}

/** The URL as the trace shows it: query values and credentials left out. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    const names = [...new Set([...u.searchParams.keys()])];
    u.search = "";
    return `${u.toString()}${names.length ? `?${names.map((n) => `${encodeURIComponent(n)}=…`).join("&")}` : ""}`;
  } catch {
    return "(not a URL)";
  }
}

function reason(error: unknown): string {
  if (error instanceof OutboundBlockedError) return `refused: ${error.message}`;
  if (error instanceof OutboundTimeoutError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

async function fetchOne(
  workspaceId: string,
  spec: ConnectedSpec,
  scope: object,
  now: Date,
): Promise<{ value: unknown; trace: ConnectedTrace }> {
  const rendered = renderSource(spec.url, scope, "url");
  const trace = (t: Omit<ConnectedTrace, "name" | "required">): ConnectedTrace => ({
    name: spec.name,
    ...t,
    ...(spec.required ? { required: true } : {}),
  });
  if (!rendered.ok)
    return {
      value: null,
      trace: trace({ url: "(did not render)", status: null, ms: 0, cacheHit: false, ok: false, error: rendered.error }),
    };
  const url = rendered.text.trim();
  const shown = redactedUrl(url);
  const key = `${workspaceId} ${url}`;
  const hit = cache.get(key);
  if (hit && hit.expiresAt > now.getTime())
    return { value: hit.value, trace: trace({ url: shown, status: 200, ms: 0, cacheHit: true, ok: true }) };
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  try {
    const response = await outboundRequest(url, {
      method: "GET",
      headers: { Accept: "application/json", "User-Agent": "Cairn connected content" },
      timeoutMs: spec.timeoutMs,
      maxBytes: MAX_ANSWER_BYTES,
    });
    const fail = (error: string) => ({
      value: null,
      trace: trace({ url: shown, status: response.status, ms: ms(), cacheHit: false, ok: false, error }),
    });
    if (response.status < 200 || response.status > 299) return fail(`answered ${response.status}`);
    if (response.truncated) return fail(`the answer is larger than ${MAX_ANSWER_BYTES / 1024} KB`);
    let value: unknown;
    try {
      value = JSON.parse(response.text());
    } catch {
      return fail("the answer is not JSON");
    }
    if (spec.cacheSeconds > 0)
      remember(key, { value, bytes: response.body.length, expiresAt: now.getTime() + spec.cacheSeconds * 1000 });
    return { value, trace: trace({ url: shown, status: response.status, ms: ms(), cacheHit: false, ok: true }) };
  } catch (error) {
    return {
      value: null,
      trace: trace({ url: shown, status: null, ms: ms(), cacheHit: false, ok: false, error: reason(error) }),
    };
  }
}

/**
 * Fetches every tag's answer (at once, in parallel). `values` goes into the scope under CONNECTED_SCOPE_KEY;
 * `stop` names the first `required` fetch that failed.
 */
export async function fetchConnected(
  workspaceId: string,
  specs: ConnectedSpec[],
  scope: object,
  now: Date,
): Promise<{ values: Record<string, unknown>; traces: ConnectedTrace[]; stop?: string }> {
  const results = await Promise.all(specs.map((spec) => fetchOne(workspaceId, spec, scope, now)));
  const values: Record<string, unknown> = {};
  specs.forEach((spec, i) => {
    values[connectedKey(spec)] = results[i].value;
  });
  const traces = results.map((r) => r.trace);
  const failed = traces.find((t) => t.required && !t.ok);
  return {
    values,
    traces,
    ...(failed
      ? { stop: `Connected content "${failed.name}" is required and failed (${failed.url}: ${failed.error})` }
      : {}),
  };
}
