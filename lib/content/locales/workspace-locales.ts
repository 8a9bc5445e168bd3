import "server-only";
import { z } from "zod";
import { pgPool } from "../../db/pool";
import { type Queryable, selectRow } from "../../db/sql";

/**
 * A workspace's languages: its default locale (the end of every fallback chain, the language the template's own
 * fields are written in) and the other locales it writes in. Read for every send of a template that has
 * translations, so it is kept for a few seconds per process (bounded); the settings write forgets it at once.
 */
export interface WorkspaceLocales {
  defaultLocale: string;
  contentLocales: string[];
}

const Row = z.object({ defaultLocale: z.string(), contentLocales: z.unknown() });

const TTL_MS = 10_000;
const MAX_ENTRIES = 1_000;
const cache = new Map<string, { at: number; value: WorkspaceLocales }>();

export function asLocaleList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

export async function selectWorkspaceLocales(q: Queryable, workspaceId: string): Promise<WorkspaceLocales> {
  const row = await selectRow(q, Row, `SELECT "defaultLocale", "contentLocales" FROM "Workspace" WHERE id = $1`, [
    workspaceId,
  ]);
  return { defaultLocale: row?.defaultLocale || "en", contentLocales: asLocaleList(row?.contentLocales) };
}

/** The workspace's locales, from the short cache or `q` (the caller's transaction client, else the pool). */
export async function workspaceLocales(
  workspaceId: string,
  q: Queryable = pgPool(),
  nowMs = Date.now(),
): Promise<WorkspaceLocales> {
  const hit = cache.get(workspaceId);
  if (hit && nowMs - hit.at < TTL_MS) return hit.value;
  const value = await selectWorkspaceLocales(q, workspaceId);
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(workspaceId, { at: nowMs, value });
  return value;
}

/** Called by the settings write so the next send uses the new default. */
export function forgetWorkspaceLocales(workspaceId: string): void {
  cache.delete(workspaceId);
}
