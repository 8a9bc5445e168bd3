import { z } from "zod";

/**
 * The boundary of catalogs: keys, kinds, upload modes and every limit an upload is held to. A catalog is either a
 * product catalog (fixed columns Liquid and the product block know, plus free extra columns) or a lookup table (an
 * id and any columns).
 */

export const CATALOG_KINDS = ["products", "lookup"] as const;
export type CatalogKind = (typeof CATALOG_KINDS)[number];

export const UPLOAD_MODES = ["upsert", "replace"] as const;
export type UploadMode = (typeof UPLOAD_MODES)[number];

export const CATALOG_LIMITS = {
  /** catalogs per workspace */
  catalogs: 50,
  /** items one catalog holds (a re-upload that would pass it is refused) */
  itemsPerCatalog: 500_000,
  /** rows in one upload (CSV data rows or JSON items) */
  rowsPerUpload: 50_000,
  /** bytes of one upload's body */
  uploadBytes: 20 * 1024 * 1024,
  /** columns of a row, fixed ones included */
  columns: 60,
  /** characters of a column's name */
  columnName: 64,
  /** characters of an item id */
  idLength: 200,
  /** characters of any other value */
  valueLength: 2000,
  /** the per-row problems a dry run lists (the count says how many there were in all) */
  reportedErrors: 200,
  /** items one PATCH changes */
  patchItems: 1000,
} as const;

export const ZCatalogKey = z
  .string()
  .trim()
  .regex(
    /^[a-z][a-z0-9_]{0,39}$/,
    "lower-case letters, digits and _, starting with a letter, at most 40 (e.g. products)",
  );

export const ZCreateCatalog = z
  .object({
    key: ZCatalogKey,
    name: z.string().trim().min(1, "Write a name").max(120, "At most 120 characters"),
    kind: z.enum(CATALOG_KINDS).default("products"),
  })
  .strict();

/** The columns every product item has, in the names uploads use (snake_case, as Liquid reads them). */
export const PRODUCT_COLUMNS = ["id", "name", "url", "image_url", "price", "currency", "category", "in_stock"] as const;

/** Query of an upload whose body is the CSV itself (text/csv). */
export const ZUploadQuery = z
  .object({
    mode: z.enum(UPLOAD_MODES).default("upsert"),
    dryRun: z
      .enum(["true", "false", "1", "0"])
      .optional()
      .transform((v) => v === "true" || v === "1"),
  })
  .strict();

/** An upload sent as JSON: the items as objects, or the CSV's text. */
export const ZUploadJson = z
  .object({
    mode: z.enum(UPLOAD_MODES).default("upsert"),
    dryRun: z.boolean().default(false),
    items: z.array(z.record(z.string(), z.unknown())).max(CATALOG_LIMITS.rowsPerUpload).optional(),
    csv: z.string().optional(),
  })
  .strict()
  .refine((b) => (b.items === undefined) !== (b.csv === undefined), {
    message: "send either items (a list of objects) or csv (the file's text)",
    path: ["items"],
  });

/** PATCH …/items: change some columns of existing items (price, stock…) without a full upload. */
export const ZPatchItems = z
  .object({
    items: z
      .array(z.record(z.string(), z.unknown()))
      .min(1, "Send at least one item")
      .max(CATALOG_LIMITS.patchItems, `At most ${CATALOG_LIMITS.patchItems} items per call`),
  })
  .strict();

export const ZItemsQuery = z
  .object({
    q: z.string().trim().max(200).optional(),
    cursor: z.string().max(CATALOG_LIMITS.idLength).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
