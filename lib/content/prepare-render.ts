import "server-only";
import { mayLookUpIn, withCatalogLookups } from "../catalogs/render-lookups";
import type { Queryable } from "../db/sql";
import { liquidSources, type RenderAssets, type TemplateContent, type TemplateKind } from "../messaging/liquid";
import { type ConnectedTrace, fetchConnected } from "./connected-content/fetch-connected";
import {
  CONNECTED_SCOPE_KEY,
  CONNECTED_TAG,
  connectedTags,
  MAX_CONNECTED_PER_TEMPLATE,
} from "./connected-content/syntax";
import type { MessageScope } from "../messaging/prepare-send";
import {
  hasPredictionsInScope,
  mentionsPredictions,
  predictionScoresOf,
  withPredictionsInScope,
} from "../predictions/store/profile-predictions";
import { fallbackChain, type LocaleSource, personLocale } from "./locales/locale-chain";
import { localizedContent, translationsOf, translationStatus, withoutTranslations } from "./locales/translations";
import { type WorkspaceLocales, workspaceLocales } from "./locales/workspace-locales";

/**
 * The one step every render path takes right before it renders a channel message for a person (delivery,
 * broadcast batches, transactional sends, previews, test sends):
 *
 *   - the content in the person's language (translations inside the version's content, lib/content/locales),
 *   - the scope, augmented with what must be fetched or looked up before the synchronous render (connected
 *     content, catalog lookups, the person's prediction scores as `profile.predictions.<key>`),
 *   - a trace of what was chosen and why, stored with the message's content as sent (`renderTrace`).
 *
 * Rendering itself is synchronous and may run in worker threads, so nothing may do I/O during it: everything a
 * template reads from outside is gathered here first.
 *
 * The broadcast hot path calls this once per person: a template with no translations (and nothing to fetch)
 * returns its input as it is, after a property check and nothing else.
 */

export interface LocaleTrace {
  /** the locale whose fields were rendered */
  used: string;
  /** the person's locale (normalised), where it came from, and the chain tried */
  requested: string | null;
  source: LocaleSource;
  chain: string[];
  /** the translation was made from older default fields */
  stale?: boolean;
  /** a `locale` trait that is not a locale tag (ignored) */
  ignored?: string;
}

export interface RenderTrace {
  locale?: LocaleTrace;
  /** connected-content fetches (lib/content/connected-content) */
  connectedContent?: ConnectedTrace[];
  /** catalog and recommendation lookups (lib/catalogs) */
  lookups?: unknown[];
}

export interface PrepareRenderInput<C = TemplateContent, S extends object = MessageScope> {
  workspaceId: string;
  profileId: string | null;
  /** the person's traits (`locale` is read from them) */
  traits: Record<string, unknown>;
  /** the triggering event's `context.locale`, when the message kept it */
  eventLocale?: unknown;
  channel: TemplateKind;
  content: C;
  scope: S;
  assets: RenderAssets;
  now: Date;
  /** the client of the caller's transaction, if it is in one (embedded Postgres serves one transaction at a time) */
  db?: Queryable;
  /** the workspace's locales, when the caller loaded them already (a broadcast batch loads them once) */
  locales?: WorkspaceLocales;
  /** previews: render this locale whatever the person's is */
  forceLocale?: string | null;
}

export interface PreparedRender<C = TemplateContent, S extends object = MessageScope> {
  content: C;
  scope: S;
  /** null when nothing was chosen (no translations, nothing fetched): nothing to store */
  trace: RenderTrace | null;
  /** the message must not be sent (a `required` fetch failed): the reason, for the message's status */
  stop?: string;
}

/** Whether any field of `content` may hold a connected_content tag (a substring check). */
function mayFetch(channel: TemplateKind, content: unknown): boolean {
  return liquidSources(channel, content).some((s) => s.source.includes(CONNECTED_TAG));
}

/** Whether `content` carries any translation (cheap: one property read). */
export function hasTranslations(content: unknown): boolean {
  const t =
    content != null && typeof content === "object" ? (content as { translations?: unknown }).translations : null;
  return t != null && typeof t === "object" && Object.keys(t).length > 0;
}

export async function prepareRender<C = TemplateContent, S extends object = MessageScope>(
  input: PrepareRenderInput<C, S>,
): Promise<PreparedRender<C, S>> {
  const { content } = input;
  const scope = await withPredictions(input, input.scope);
  let prepared: PreparedRender<C, S>;
  if (!hasTranslations(content) && !input.forceLocale)
    prepared = { content: withoutTranslations(content), scope, trace: null };
  else {
    const locales = input.locales ?? (await workspaceLocales(input.workspaceId, input.db));
    const locale = chooseLocale(input, locales);
    const used = locale.used === locales.defaultLocale ? null : locale.used;
    prepared = { content: localizedContent(input.channel, content, used), scope, trace: { locale } };
  }
  // catalog lookups last: an id may come from connected content
  return withCatalogLookups(input, await withConnectedContent(input, prepared));
}

/** The template's Liquid, layout and partials: what may mention `profile.predictions`. */
function sourcesOf(input: Pick<PrepareRenderInput<unknown, object>, "channel" | "content" | "assets">): string[] {
  return [
    ...liquidSources(input.channel, input.content).map((s) => s.source),
    ...(input.assets.layoutHtml ? [input.assets.layoutHtml] : []),
    ...Object.values(input.assets.partials ?? {}),
  ];
}

/**
 * The person's prediction scores into `profile.predictions` (lib/predictions/store/profile-predictions.ts), when
 * the template mentions them and a batch has not loaded them already; one read for the person.
 */
async function withPredictions<S extends object>(
  input: Pick<PrepareRenderInput<unknown, S>, "workspaceId" | "profileId" | "channel" | "content" | "assets" | "db">,
  scope: S,
): Promise<S> {
  if (!input.profileId || hasPredictionsInScope(scope) || !mentionsPredictions(sourcesOf(input))) return scope;
  const scores = await predictionScoresOf(input.workspaceId, [input.profileId], input.db);
  return withPredictionsInScope(scope, scores.get(input.profileId) ?? {});
}

/**
 * The answers of the content's connected_content tags, fetched now (the render cannot: lib/content/connected-content),
 * into the scope; a `required` one that failed stops the message.
 */
async function withConnectedContent<C, S extends object>(
  input: Pick<PrepareRenderInput<C, S>, "workspaceId" | "channel" | "now">,
  prepared: PreparedRender<C, S>,
): Promise<PreparedRender<C, S>> {
  const specs = connectedTags(liquidSources(input.channel, prepared.content).map((s) => s.source));
  if (!specs.length) return prepared;
  const fetched = await fetchConnected(
    input.workspaceId,
    specs.slice(0, MAX_CONNECTED_PER_TEMPLATE),
    prepared.scope,
    input.now,
  );
  return {
    content: prepared.content,
    scope: { ...prepared.scope, [CONNECTED_SCOPE_KEY]: fetched.values },
    trace: { ...prepared.trace, connectedContent: fetched.traces },
    ...(fetched.stop ? { stop: fetched.stop } : {}),
  };
}

/**
 * The locale the message's trigger carried: a journey's triggering event's `context.locale` (kept on the trigger
 * when the journey queued the message), or a transactional send's `locale`.
 */
export function eventLocaleOf(context: unknown): unknown {
  if (context == null || typeof context !== "object") return undefined;
  const c = context as { trigger?: { locale?: unknown; context?: { locale?: unknown } } | null; locale?: unknown };
  return c.trigger?.locale ?? c.trigger?.context?.locale ?? c.locale;
}

/**
 * Which locale's fields to render: the first of the person's fallback chain the template has a translation for;
 * the default locale (the template's own fields) at the chain's end.
 */
export function chooseLocale(
  input: Pick<PrepareRenderInput<unknown>, "traits" | "eventLocale" | "channel" | "content" | "forceLocale">,
  locales: WorkspaceLocales,
): LocaleTrace {
  const person = input.forceLocale
    ? { locale: input.forceLocale, source: "none" as LocaleSource }
    : personLocale(input.traits, input.eventLocale);
  const chain = fallbackChain(person.locale, locales.defaultLocale);
  const translations = translationsOf(input.content);
  const used = chain.find((l) => l === chain[chain.length - 1] || translations[l]) ?? chain[chain.length - 1];
  const stale =
    used !== chain[chain.length - 1] && translationStatus(input.channel, input.content, used) === "outdated";
  return {
    used,
    requested: person.locale,
    source: person.source,
    chain,
    ...(stale ? { stale } : {}),
    ...("ignored" in person && person.ignored ? { ignored: person.ignored } : {}),
  };
}

/** The content as sent, with the trace when there is one (the message page shows it; the inbox reads only its fields). */
export function withRenderTrace(content: Record<string, unknown>, trace: RenderTrace | null): Record<string, unknown> {
  return trace ? { ...content, renderTrace: trace } : content;
}

export type PersonToRender<S extends object = MessageScope> = Pick<
  PrepareRenderInput<unknown, S>,
  "profileId" | "traits" | "eventLocale" | "scope"
>;

/**
 * prepareRender for many people and one template (a broadcast batch): the workspace's locales are read once, and
 * people who get the same locale share one content object, so the caller can render each language's group in one
 * batch to the render workers (group by `content` identity). A template with no translations costs one check for
 * the whole batch.
 */
export async function prepareRenderMany<C = TemplateContent, S extends object = MessageScope>(
  shared: Omit<PrepareRenderInput<C, S>, keyof PersonToRender<S>>,
  people: PersonToRender<S>[],
): Promise<PreparedRender<C, S>[]> {
  // prediction scores for the whole batch in one read, when the template mentions them
  if (mentionsPredictions(sourcesOf(shared))) {
    const ids = people.flatMap((p) => (p.profileId ? [p.profileId] : []));
    const scores = await predictionScoresOf(shared.workspaceId, ids, shared.db);
    people = people.map((p) => ({
      ...p,
      scope: withPredictionsInScope(p.scope, (p.profileId && scores.get(p.profileId)) || {}),
    }));
  }
  if (!hasTranslations(shared.content) && !shared.forceLocale) {
    const content = withoutTranslations(shared.content);
    if (!mayFetch(shared.channel, content) && !mayLookUpIn(shared.channel, content, shared.assets))
      return people.map((p) => ({ content, scope: p.scope, trace: null }));
  }
  const locales = shared.locales ?? (await workspaceLocales(shared.workspaceId, shared.db));
  const byLocale = new Map<string, C>();
  const out = new Array<PreparedRender<C, S>>(people.length);
  // people's fetches (connected content, lookups) a bounded number at a time, not one after another
  let next = 0;
  const lane = async () => {
    while (next < people.length) {
      const i = next++;
      const prepared = await prepareRender({ ...shared, ...people[i], locales });
      const used = prepared.trace?.locale?.used ?? "";
      let content = byLocale.get(used);
      if (!content) byLocale.set(used, (content = prepared.content));
      out[i] = { ...prepared, content };
    }
  };
  await Promise.all(Array.from({ length: Math.min(PREPARE_CONCURRENCY, people.length) }, lane));
  return out;
}

/** How many people of a batch are prepared at once (their fetches overlap; the cache answers repeats). */
const PREPARE_CONCURRENCY = 16;
