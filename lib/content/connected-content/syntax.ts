/**
 * The `connected_content` tag's syntax, shared by the Liquid engine (lib/messaging/liquid.ts, which runs in render
 * workers too) and the fetch before render (./fetch-connected.ts). Pure: no I/O.
 *
 *   {% connected_content "https://api.example.com/weather?city={{ profile.traits.city }}" as weather %}
 *   {% connected_content "https://api.example.com/offers/{{ profile.userId }}" as offers timeout: 3 cache: 600 required %}
 *
 * - The URL is Liquid, rendered with the message's scope (profile, event, data, journey) before the message is
 *   rendered; `{{ }}` values in it are percent-encoded for you, like a webhook step's URL (so no `url_encode`).
 *   Variables the template assigns itself are not known yet at that point.
 * - `as name`: the JSON answer becomes the variable `name` (`{{ weather.temp }}`).
 * - `timeout:` seconds to wait, 1 to 10 (default 2). `cache:` seconds to keep the answer per URL, 0 to 86400
 *   (default 300; 0: fetch for every message).
 * - On failure (no answer in time, not 2xx, not JSON, larger than 256 KB, an address the outbound guard refuses)
 *   the variable is nil and the message goes out without it (write `{% if weather %}`); with `required` the
 *   message is not sent and fails with the reason.
 */

export interface ConnectedSpec {
  /** the URL as written (Liquid) */
  url: string;
  name: string;
  timeoutMs: number;
  cacheSeconds: number;
  required: boolean;
}

export const CONNECTED_TAG = "connected_content";
/** the scope key the fetched answers travel under to the render (keyed by connectedKey) */
export const CONNECTED_SCOPE_KEY = "_connected";
export const MAX_CONNECTED_PER_TEMPLATE = 5;

const ARGS = /^\s*(?:"([^"]*)"|'([^']*)')\s+as\s+([A-Za-z_][A-Za-z0-9_]*)((?:\s+[a-z]+(?:\s*:\s*[0-9.]+)?)*)\s*$/;

/** The tag's arguments (after its name), or why they are not valid. */
export function parseConnectedArgs(args: string): { ok: true; spec: ConnectedSpec } | { ok: false; error: string } {
  const match = ARGS.exec(args);
  if (!match)
    return {
      ok: false,
      error: `write {% ${CONNECTED_TAG} "https://…" as name %} (options: timeout: seconds, cache: seconds, required)`,
    };
  const url = (match[1] ?? match[2]).trim();
  if (!url) return { ok: false, error: `${CONNECTED_TAG} needs a URL` };
  if (url.length > 2000) return { ok: false, error: `${CONNECTED_TAG}: the URL has at most 2,000 characters` };
  if (!/^https?:\/\//i.test(url) && !url.startsWith("{{"))
    return { ok: false, error: `${CONNECTED_TAG}: the URL must start with https:// or http://` };
  const spec: ConnectedSpec = { url, name: match[3], timeoutMs: 2000, cacheSeconds: 300, required: false };
  for (const option of match[4].trim() ? match[4].trim().split(/\s+(?=[a-z]+\s*(?::|$|\s))/) : []) {
    const [key, raw] = option.split(":").map((s) => s.trim());
    const value = raw === undefined ? undefined : Number(raw);
    if (key === "required" && raw === undefined) spec.required = true;
    else if (key === "timeout" && value !== undefined && value >= 1 && value <= 10) spec.timeoutMs = value * 1000;
    else if (key === "cache" && value !== undefined && Number.isInteger(value) && value >= 0 && value <= 86_400)
      spec.cacheSeconds = value;
    else if (key === "timeout") return { ok: false, error: `${CONNECTED_TAG}: timeout is 1 to 10 seconds` };
    else if (key === "cache") return { ok: false, error: `${CONNECTED_TAG}: cache is 0 to 86400 seconds` };
    else return { ok: false, error: `${CONNECTED_TAG}: unknown option "${option}" (timeout, cache, required)` };
  }
  return { ok: true, spec };
}

/** Which fetched answer a tag reads: its URL as written and its name (the same text fetches the same thing). */
export const connectedKey = (spec: Pick<ConnectedSpec, "url" | "name">): string => `${spec.name} ${spec.url}`;

const TAG = /\{%-?\s*connected_content\b([\s\S]*?)-?%\}/g;

/** Every connected_content tag in `sources`, parsed (unparsable ones are left to the render to report). */
export function connectedTags(sources: readonly string[]): ConnectedSpec[] {
  const out = new Map<string, ConnectedSpec>();
  for (const source of sources) {
    if (!source.includes(CONNECTED_TAG)) continue;
    for (const m of source.matchAll(TAG)) {
      const parsed = parseConnectedArgs(m[1]);
      if (parsed.ok) out.set(connectedKey(parsed.spec), parsed.spec);
    }
  }
  return [...out.values()];
}
