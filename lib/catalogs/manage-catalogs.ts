import { refreshCategoryTops } from "../recommendations/build";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { recordAudit } from "../audit/audit-log";
import { db } from "../db/client";
import { pgPool } from "../db/pool";
import { execute, prismaQueryable, type Queryable } from "../db/sql";
import { AppError, parseInput } from "../errors";
import { systemClock, type Clock } from "../runtime/clock";
import { type CatalogItemInput, checkRows, parseUpload, type RowProblem } from "./parse-upload";
import { CATALOG_LIMITS, type UploadMode, ZCreateCatalog, ZItemsQuery, ZPatchItems } from "./schemas";
import {
  type CatalogRow,
  countCatalogs,
  countItemsNotIn,
  deleteItemsNotIn,
  insertCatalog,
  type ItemRow,
  KeyTakenError,
  liquidItem,
  lockCatalog,
  searchItems,
  selectCatalogByKey,
  selectCatalogs,
  selectItemsByIds,
  updateCatalogAfterWrite,
  upsertItems,
} from "./store/catalogs";

/**
 * Catalogs → create, upload (CSV or JSON, with a dry run), patch items, browse. Changes need content:write (editors
 * and up, full API keys), reads workspace:read. An upload is all or nothing: any bad row is a 422 listing every
 * problem (row, column, what is wrong) and nothing is stored; a good one is written in one transaction with its
 * audit entry. Another workspace's catalog is as unknown as a missing one (404).
 */

export interface CatalogView {
  id: string;
  key: string;
  name: string;
  kind: "products" | "lookup";
  columns: string[];
  itemCount: number;
  createdAt: string;
  updatedAt: string;
}

const view = (c: CatalogRow): CatalogView => ({
  id: c.id,
  key: c.key,
  name: c.name,
  kind: c.kind,
  columns: c.columns,
  itemCount: c.itemCount,
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
});

export async function listCatalogs(ctx: WorkspaceContext): Promise<{ catalogs: CatalogView[] }> {
  requirePermission(ctx, "workspace:read");
  return { catalogs: (await selectCatalogs(pgPool(), ctx.workspace.id)).map(view) };
}

async function findCatalog(q: Queryable, ctx: WorkspaceContext, key: string): Promise<CatalogRow> {
  const row = await selectCatalogByKey(q, ctx.workspace.id, key);
  if (!row) throw new AppError("not_found", `No catalog "${key.slice(0, 60)}" in this workspace.`);
  return row;
}

export async function getCatalog(ctx: WorkspaceContext, key: string): Promise<CatalogView> {
  requirePermission(ctx, "workspace:read");
  return view(await findCatalog(pgPool(), ctx, key));
}

export async function createCatalog(
  ctx: WorkspaceContext,
  input: unknown,
  clock: Clock = systemClock,
): Promise<CatalogView> {
  requirePermission(ctx, "content:write");
  const body = parseInput(ZCreateCatalog, input);
  try {
    return await db().$transaction(async (tx) => {
      const q = prismaQueryable(tx);
      // serialises creation in a workspace, so two editors cannot both take the last slot
      await execute(q, `SELECT pg_advisory_xact_lock(hashtextextended($1, 7520))`, [ctx.workspace.id]);
      if ((await countCatalogs(q, ctx.workspace.id)) >= CATALOG_LIMITS.catalogs)
        throw new AppError("validation", `A workspace has at most ${CATALOG_LIMITS.catalogs} catalogs.`);
      const row = await insertCatalog(q, { workspaceId: ctx.workspace.id, ...body, now: clock() });
      await recordAudit(tx, {
        workspaceId: ctx.workspace.id,
        actor: ctx.actor,
        action: "catalog.created",
        targetType: "catalog",
        targetId: row.id,
        summary: `Created the ${body.kind === "products" ? "product catalog" : "lookup table"} "${body.name}" (${body.key})`,
      });
      return view(row);
    });
  } catch (error) {
    if (error instanceof KeyTakenError)
      throw AppError.field("key", "is already the key of a catalog of this workspace");
    throw error;
  }
}

export interface UploadResult {
  dryRun: boolean;
  mode: UploadMode;
  /** data rows read */
  rows: number;
  new: number;
  changed: number;
  unchanged: number;
  /** items a replace removes (0 for upsert) */
  removed: number;
  /** extra columns of the upload */
  columns: string[];
  /** a dry run lists the problems instead of failing; a real upload with problems is a 422 */
  problems: RowProblem[];
  problemCount: number;
}

export type UploadInput = { csv: string } | { items: Record<string, unknown>[] };

/**
 * An upload: `upsert` writes the uploaded items and leaves the others, `replace` also removes the items the upload
 * lacks. A dry run reports what the upload would do (and its problems) and stores nothing.
 */
export async function uploadCatalog(
  ctx: WorkspaceContext,
  key: string,
  input: UploadInput,
  options: { mode: UploadMode; dryRun: boolean },
  clock: Clock = systemClock,
): Promise<UploadResult> {
  requirePermission(ctx, "content:write");
  const catalog = await findCatalog(pgPool(), ctx, key);
  const parsed = parseUpload(catalog.kind, input);
  const rows = parsed.items.length + countBadRows(parsed.problems, parsed.problemCount);

  const diff = async (q: Queryable) => {
    const ids = parsed.items.map((i) => i.id);
    const existing = new Map((await selectItemsByIds(q, catalog.id, ids)).map((r) => [r.itemId, r]));
    let created = 0;
    let changed = 0;
    for (const item of parsed.items) {
      const before = existing.get(item.id);
      if (!before) created++;
      else if (differs(before, item)) changed++;
    }
    const removed = options.mode === "replace" ? await countItemsNotIn(q, catalog.id, ids) : 0;
    return { created, changed, unchanged: parsed.items.length - created - changed, removed };
  };
  const result = (d: Awaited<ReturnType<typeof diff>>): UploadResult => ({
    dryRun: options.dryRun,
    mode: options.mode,
    rows,
    new: d.created,
    changed: d.changed,
    unchanged: d.unchanged,
    removed: d.removed,
    columns: parsed.columns,
    problems: parsed.problems,
    problemCount: parsed.problemCount,
  });

  if (options.dryRun) return result(await diff(pgPool()));
  if (parsed.problemCount)
    throw AppError.validation(
      parsed.problems.map((p) => ({ path: `rows.${p.row}.${p.column}`, message: p.message })),
      `The upload has ${parsed.problemCount} problem${parsed.problemCount === 1 ? "" : "s"}; nothing was stored. First: row ${parsed.problems[0].row}, ${parsed.problems[0].column}: ${parsed.problems[0].message}`,
    );

  const now = clock();
  return db().$transaction(
    async (tx) => {
      const q = prismaQueryable(tx);
      await lockCatalog(q, catalog.id);
      const d = await diff(q);
      const total = catalog.itemCount - d.removed + d.created;
      if (total > CATALOG_LIMITS.itemsPerCatalog)
        throw AppError.field(
          "items",
          `would make the catalog ${total.toLocaleString("en-US")} items; at most ${CATALOG_LIMITS.itemsPerCatalog.toLocaleString("en-US")}`,
        );
      if (options.mode === "replace")
        await deleteItemsNotIn(
          q,
          catalog.id,
          parsed.items.map((i) => i.id),
        );
      await upsertItems(q, catalog, parsed.items, now);
      await refreshCategoryTops(
        q,
        catalog.id,
        parsed.items.map((i) => i.category),
        now,
      );
      const columns = [...new Set([...catalog.columns, ...parsed.columns])].slice(0, CATALOG_LIMITS.columns);
      await updateCatalogAfterWrite(q, catalog.id, columns, now);
      await recordAudit(tx, {
        workspaceId: ctx.workspace.id,
        actor: ctx.actor,
        action: "catalog.uploaded",
        targetType: "catalog",
        targetId: catalog.id,
        summary: `Uploaded ${parsed.items.length} items to "${catalog.key}" (${options.mode}): ${d.created} new, ${d.changed} changed, ${d.removed} removed`,
      });
      return result(d);
    },
    { timeout: 120_000 },
  );
}

// rows with at least one problem (a row can have several)
function countBadRows(problems: RowProblem[], problemCount: number): number {
  const rows = new Set(problems.map((p) => p.row)).size;
  return problemCount > problems.length ? rows + (problemCount - problems.length) : rows;
}

function differs(before: ItemRow, item: CatalogItemInput): boolean {
  return (
    before.name !== item.name ||
    before.url !== item.url ||
    before.imageUrl !== item.imageUrl ||
    (before.price === null
      ? item.price !== null
      : item.price === null || Number(before.price) !== Number(item.price)) ||
    before.currency !== item.currency ||
    before.category !== item.category ||
    before.inStock !== item.inStock ||
    JSON.stringify(sortKeys(before.data)) !== JSON.stringify(sortKeys(item.data))
  );
}

const sortKeys = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));

/**
 * PATCH …/items: changes the given columns of existing items (e.g. `{ id, price }` or `{ id, in_stock: false }`);
 * an unknown id is a 422 naming it, and nothing changes.
 */
export async function patchItems(
  ctx: WorkspaceContext,
  key: string,
  input: unknown,
  clock: Clock = systemClock,
): Promise<{ changed: number }> {
  requirePermission(ctx, "content:write");
  const body = parseInput(ZPatchItems, input);
  const catalog = await findCatalog(pgPool(), ctx, key);
  const now = clock();
  return db().$transaction(async (tx) => {
    const q = prismaQueryable(tx);
    await lockCatalog(q, catalog.id);
    const ids = body.items.map((i) => (typeof i.id === "string" || typeof i.id === "number" ? String(i.id) : ""));
    const existing = new Map((await selectItemsByIds(q, catalog.id, ids)).map((r) => [r.itemId, r]));
    // each patch over the item as it is, then the whole row checked like an upload's
    const merged = body.items.map((patch, index) => {
      const before = existing.get(ids[index]);
      if (!before)
        throw AppError.field(
          `items.${index}.id`,
          ids[index] ? `"${ids[index]}" is not an item of "${key}"` : "is missing",
        );
      const { in_stock, ...current } = liquidItem(before, catalog.kind);
      return { ...current, in_stock: in_stock ?? true, ...patch, id: ids[index] } as Record<string, unknown>;
    });
    const checked = checkRows(catalog.kind, merged, 0);
    if (checked.problemCount)
      throw AppError.validation(
        checked.problems.map((p) => ({ path: `items.${p.row}.${p.column}`, message: p.message })),
      );
    // JSON null in a fixed column clears it; the merged row carries the rest
    await upsertItems(q, catalog, checked.items, now);
    // the categories the items are in now and those they left
    await refreshCategoryTops(
      q,
      catalog.id,
      [...checked.items.map((i) => i.category), ...[...existing.values()].map((r) => r.category)],
      now,
    );
    const columns = [...new Set([...catalog.columns, ...checked.columns])].slice(0, CATALOG_LIMITS.columns);
    await updateCatalogAfterWrite(q, catalog.id, columns, now);
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "catalog.items_changed",
      targetType: "catalog",
      targetId: catalog.id,
      summary: `Changed ${checked.items.length} items of "${catalog.key}"`,
    });
    return { changed: checked.items.length };
  });
}

export async function listItems(
  ctx: WorkspaceContext,
  key: string,
  query: unknown,
): Promise<{ items: Record<string, unknown>[]; nextCursor: string | null }> {
  requirePermission(ctx, "workspace:read");
  const opts = parseInput(ZItemsQuery, query);
  const catalog = await findCatalog(pgPool(), ctx, key);
  const rows = await searchItems(pgPool(), catalog.id, { q: opts.q, cursor: opts.cursor, limit: opts.limit + 1 });
  const page = rows.slice(0, opts.limit);
  return {
    items: page.map((r) => ({ ...liquidItem(r, catalog.kind), updated_at: r.updatedAt.toISOString() })),
    nextCursor: rows.length > opts.limit ? page[page.length - 1].itemId : null,
  };
}
