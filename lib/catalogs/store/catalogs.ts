import { z } from "zod";
import { execute, type Queryable, selectRow, selectRows } from "../../db/sql";
import type { CatalogItemInput, ExtraValue } from "../parse-upload";
import { CATALOG_KINDS } from "../schemas";

/**
 * The SQL of catalogs (Catalog) and their items (CatalogItem). Uploads write items in batches of unnest() arrays in
 * the upload's one transaction; reads for rendering fetch many ids of one catalog in one statement.
 */

const CatalogRow = z.object({
  id: z.string(),
  workspaceId: z.string(),
  key: z.string(),
  name: z.string(),
  kind: z.enum(CATALOG_KINDS),
  columns: z.array(z.string()),
  itemCount: z.number(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type CatalogRow = z.infer<typeof CatalogRow>;
const CATALOG_COLUMNS = `c.id, c."workspaceId", c.key, c.name, c.kind, c.columns, c."itemCount", c."createdAt", c."updatedAt"`;

export function selectCatalogs(q: Queryable, workspaceId: string): Promise<CatalogRow[]> {
  return selectRows(
    q,
    CatalogRow,
    `SELECT ${CATALOG_COLUMNS} FROM "Catalog" c WHERE c."workspaceId" = $1 ORDER BY c.key`,
    [workspaceId],
  );
}

export async function selectCatalogByKey(q: Queryable, workspaceId: string, key: string): Promise<CatalogRow | null> {
  return (
    (await selectRow(
      q,
      CatalogRow,
      `SELECT ${CATALOG_COLUMNS} FROM "Catalog" c WHERE c."workspaceId" = $1 AND c.key = $2`,
      [workspaceId, key],
    )) ?? null
  );
}

/** The catalogs of the workspace among `keys` (a render's lookups name them by key). */
export function selectCatalogsByKeys(q: Queryable, workspaceId: string, keys: string[]): Promise<CatalogRow[]> {
  return selectRows(
    q,
    CatalogRow,
    `SELECT ${CATALOG_COLUMNS} FROM "Catalog" c WHERE c."workspaceId" = $1 AND c.key = ANY($2::text[])`,
    [workspaceId, keys],
  );
}

/** Locks the catalog's row until the transaction ends: two uploads to one catalog run one after the other. */
export async function lockCatalog(q: Queryable, catalogId: string): Promise<void> {
  await q.query(`SELECT 1 FROM "Catalog" WHERE id = $1 FOR UPDATE`, [catalogId]);
}

export async function insertCatalog(
  q: Queryable,
  row: { workspaceId: string; key: string; name: string; kind: string; now: Date },
): Promise<CatalogRow> {
  const created = await selectRow(
    q,
    CatalogRow,
    `INSERT INTO "Catalog" AS c (id, "workspaceId", key, name, kind, "createdAt", "updatedAt")
     VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $5)
     ON CONFLICT ("workspaceId", key) DO NOTHING
     RETURNING ${CATALOG_COLUMNS}`,
    [row.workspaceId, row.key, row.name, row.kind, row.now],
  );
  if (!created) throw new KeyTakenError();
  return created;
}

export class KeyTakenError extends Error {}

export async function countCatalogs(q: Queryable, workspaceId: string): Promise<number> {
  const row = await selectRow(
    q,
    z.object({ n: z.number() }),
    `SELECT count(*)::int AS n FROM "Catalog" WHERE "workspaceId" = $1`,
    [workspaceId],
  );
  return row?.n ?? 0;
}

export const ItemRow = z.object({
  itemId: z.string(),
  name: z.string().nullable(),
  url: z.string().nullable(),
  imageUrl: z.string().nullable(),
  price: z.string().nullable(),
  currency: z.string().nullable(),
  category: z.string().nullable(),
  inStock: z.boolean(),
  data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  updatedAt: z.date(),
});
export type ItemRow = z.infer<typeof ItemRow>;
export const ITEM_COLUMNS = `i."itemId", i.name, i.url, i."imageUrl", i.price::text AS price, i.currency, i.category, i."inStock", i.data, i."updatedAt"`;

/** Items of a catalog by id (those that exist), in no particular order. */
export function selectItemsByIds(q: Queryable, catalogId: string, ids: string[]): Promise<ItemRow[]> {
  if (!ids.length) return Promise.resolve([]);
  return selectRows(
    q,
    ItemRow,
    `SELECT ${ITEM_COLUMNS} FROM "CatalogItem" i WHERE i."catalogId" = $1 AND i."itemId" = ANY($2::text[])`,
    [catalogId, ids],
  );
}

/** How many of the catalog's items are not among `ids` (what a replace would remove). */
export async function countItemsNotIn(q: Queryable, catalogId: string, ids: string[]): Promise<number> {
  const row = await selectRow(
    q,
    z.object({ n: z.number() }),
    `SELECT count(*)::int AS n FROM "CatalogItem" WHERE "catalogId" = $1 AND NOT ("itemId" = ANY($2::text[]))`,
    [catalogId, ids],
  );
  return row?.n ?? 0;
}

export function deleteItemsNotIn(q: Queryable, catalogId: string, ids: string[]): Promise<number> {
  return execute(q, `DELETE FROM "CatalogItem" WHERE "catalogId" = $1 AND NOT ("itemId" = ANY($2::text[]))`, [
    catalogId,
    ids,
  ]);
}

const BATCH = 2000;

/** Inserts or overwrites items (every column: an upload row is the item's whole state). */
export async function upsertItems(
  q: Queryable,
  catalog: { id: string; workspaceId: string },
  items: CatalogItemInput[],
  now: Date,
): Promise<void> {
  for (let start = 0; start < items.length; start += BATCH) {
    const batch = items.slice(start, start + BATCH);
    await execute(
      q,
      `INSERT INTO "CatalogItem" ("catalogId", "workspaceId", "itemId", name, url, "imageUrl", price, currency, category, "inStock", data, "updatedAt")
       SELECT $1, $2, t.id, t.name, t.url, t.image, t.price, t.currency, t.category, t.stock, t.data, $3
         FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::numeric[], $9::text[], $10::text[], $11::boolean[], $12::jsonb[])
              AS t(id, name, url, image, price, currency, category, stock, data)
       ON CONFLICT ("catalogId", "itemId") DO UPDATE SET
         name = excluded.name, url = excluded.url, "imageUrl" = excluded."imageUrl", price = excluded.price,
         currency = excluded.currency, category = excluded.category, "inStock" = excluded."inStock",
         data = excluded.data, "updatedAt" = excluded."updatedAt"`,
      [
        catalog.id,
        catalog.workspaceId,
        now,
        batch.map((i) => i.id),
        batch.map((i) => i.name),
        batch.map((i) => i.url),
        batch.map((i) => i.imageUrl),
        batch.map((i) => i.price),
        batch.map((i) => i.currency),
        batch.map((i) => i.category),
        batch.map((i) => i.inStock),
        batch.map((i) => JSON.stringify(i.data)),
      ],
    );
  }
}

/** After an upload: the columns seen so far and the item count. */
export async function updateCatalogAfterWrite(
  q: Queryable,
  catalogId: string,
  columns: string[],
  now: Date,
): Promise<void> {
  await execute(
    q,
    `UPDATE "Catalog" SET columns = $2::jsonb, "updatedAt" = $3,
            "itemCount" = (SELECT count(*)::int FROM "CatalogItem" WHERE "catalogId" = $1)
      WHERE id = $1`,
    [catalogId, JSON.stringify(columns), now],
  );
}

/** A page of a catalog's items by id, optionally those whose id, name or category contains `q`. */
export function searchItems(
  q: Queryable,
  catalogId: string,
  opts: { q?: string; cursor?: string; limit: number },
): Promise<ItemRow[]> {
  const params: unknown[] = [catalogId, opts.limit];
  let where = `i."catalogId" = $1`;
  if (opts.cursor !== undefined) {
    params.push(opts.cursor);
    where += ` AND i."itemId" > $${params.length}`;
  }
  if (opts.q) {
    params.push(`%${opts.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const p = `$${params.length}`;
    where += ` AND (i."itemId" ILIKE ${p} OR i.name ILIKE ${p} OR i.category ILIKE ${p})`;
  }
  return selectRows(
    q,
    ItemRow,
    `SELECT ${ITEM_COLUMNS} FROM "CatalogItem" i WHERE ${where} ORDER BY i."itemId" LIMIT $2`,
    params,
  );
}

/**
 * The Liquid object of an item: a product's fixed fields in snake_case over its extra columns (which cannot shadow
 * them); a lookup table's row is its id and its columns.
 */
export function liquidItem(row: ItemRow, kind: "products" | "lookup" = "products"): Record<string, ExtraValue> {
  if (kind === "lookup") return { ...row.data, id: row.itemId };
  return {
    ...row.data,
    id: row.itemId,
    name: row.name,
    url: row.url,
    image_url: row.imageUrl,
    price: row.price === null ? null : Number(row.price),
    currency: row.currency,
    category: row.category,
    in_stock: row.inStock,
  };
}
