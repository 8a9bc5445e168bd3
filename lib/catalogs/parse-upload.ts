import { parse as parseCsv } from "csv-parse/sync";
import { AppError } from "../errors";
import { CATALOG_LIMITS, type CatalogKind, PRODUCT_COLUMNS } from "./schemas";

/**
 * Turns an upload (CSV text or JSON objects) into catalog items, or into the list of what is wrong with it: each
 * problem names its row (the CSV's line number; the JSON item's position, from 1), its column and what is wrong.
 * Pure: the store never sees a row of an upload that has a problem, so a bad upload changes nothing.
 */

export type ExtraValue = string | number | boolean | null;

export interface CatalogItemInput {
  id: string;
  name: string | null;
  url: string | null;
  imageUrl: string | null;
  /** a decimal string with at most 4 decimals (stored as numeric, never through a float) */
  price: string | null;
  currency: string | null;
  category: string | null;
  inStock: boolean;
  /** the extra columns (a lookup table's every column but id) */
  data: Record<string, ExtraValue>;
}

export interface RowProblem {
  row: number;
  column: string;
  message: string;
}

export interface ParsedUpload {
  items: CatalogItemInput[];
  /** the extra columns, in first-seen order */
  columns: string[];
  problems: RowProblem[];
  /** problems in all (only the first CATALOG_LIMITS.reportedErrors are listed) */
  problemCount: number;
}

const COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const FIXED = new Set<string>(PRODUCT_COLUMNS);

/** Parses CSV text (a header row, then one item per row) into objects keyed by the header's names. */
export function csvRows(text: string): { rows: Record<string, string>[]; firstLine: number } {
  if (Buffer.byteLength(text) > CATALOG_LIMITS.uploadBytes)
    throw new AppError("payload_too_large", `An upload has at most ${CATALOG_LIMITS.uploadBytes / 1024 / 1024} MB.`);
  let records: string[][];
  try {
    records = parseCsv(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
      max_record_size: 1_000_000,
      to_line: CATALOG_LIMITS.rowsPerUpload + 2,
    }) as string[][];
  } catch (error) {
    throw AppError.field("csv", `is not valid CSV: ${(error as Error).message}`);
  }
  if (!records.length) throw AppError.field("csv", "is empty: send a header row (id, name, …) and one row per item");
  if (records.length - 1 > CATALOG_LIMITS.rowsPerUpload)
    throw AppError.field("csv", `has more than ${CATALOG_LIMITS.rowsPerUpload.toLocaleString("en-US")} rows; split it`);
  const header = records[0].map((h) => h.trim());
  assertHeader(header, "csv");
  return {
    rows: records.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))),
    firstLine: 2,
  };
}

function assertHeader(header: string[], path: string): void {
  if (header.length > CATALOG_LIMITS.columns)
    throw AppError.field(path, `has ${header.length} columns; at most ${CATALOG_LIMITS.columns}`);
  const seen = new Set<string>();
  for (const name of header) {
    if (!COLUMN_NAME.test(name) || name.length > CATALOG_LIMITS.columnName)
      throw AppError.field(
        path,
        `column "${name.slice(0, 80)}" is not a usable name: letters, digits and _, not starting with a digit, at most ${CATALOG_LIMITS.columnName} characters (Liquid reads it as item.<name>)`,
      );
    if (seen.has(name)) throw AppError.field(path, `column "${name}" appears twice`);
    seen.add(name);
  }
  if (!seen.has("id")) throw AppError.field(path, 'has no "id" column');
}

const TRUE = new Set(["true", "1", "yes", "y"]);
const FALSE = new Set(["false", "0", "no", "n"]);

/** Checks rows (CSV-parsed or JSON) and builds the items; problems are collected, not thrown. */
export function checkRows(kind: CatalogKind, rows: Record<string, unknown>[], firstRow = 1): ParsedUpload {
  const problems: RowProblem[] = [];
  let problemCount = 0;
  const problem = (row: number, column: string, message: string) => {
    problemCount++;
    if (problems.length < CATALOG_LIMITS.reportedErrors) problems.push({ row, column, message });
  };
  const columns: string[] = [];
  const seenColumns = new Set<string>();
  const seenIds = new Map<string, number>();
  const items: CatalogItemInput[] = [];

  rows.forEach((raw, index) => {
    const row = firstRow + index;
    const names = Object.keys(raw);
    if (names.length > CATALOG_LIMITS.columns) {
      problem(row, "(row)", `has ${names.length} columns; at most ${CATALOG_LIMITS.columns}`);
      return;
    }
    let bad = false;
    const fail = (column: string, message: string) => {
      bad = true;
      problem(row, column, message);
    };
    const text = (column: string, max: number): string | null => {
      const value = raw[column];
      if (value === undefined || value === null) return null;
      if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
        fail(column, "must be text, a number or true/false");
        return null;
      }
      const s = String(value).trim();
      // one problem per value: a value too long or with control characters is not checked further
      if (s.length > max) fail(column, `is ${s.length} characters long; at most ${max}`);
      else if (CONTROL.test(s)) fail(column, "contains control characters");
      else return s === "" ? null : s;
      return null;
    };

    const id = text("id", CATALOG_LIMITS.idLength);
    if (!id) fail("id", "is missing");
    else if (seenIds.has(id)) fail("id", `"${id}" is already the id of row ${seenIds.get(id)}`);

    const item: CatalogItemInput = {
      id: id ?? "",
      name: null,
      url: null,
      imageUrl: null,
      price: null,
      currency: null,
      category: null,
      inStock: true,
      data: {},
    };
    if (kind === "products") {
      item.name = text("name", 500);
      if (!item.name) fail("name", "is missing");
      item.url = link(text("url", CATALOG_LIMITS.valueLength), "url", fail);
      item.imageUrl = link(text("image_url", CATALOG_LIMITS.valueLength), "image_url", fail);
      const price = text("price", 40);
      if (price !== null) {
        if (!/^\d{1,10}(\.\d{1,4})?$/.test(price))
          fail("price", `"${price}" is not a price: a number ≥ 0 with at most 4 decimals, e.g. 19.99`);
        else item.price = price;
      }
      const currency = text("currency", 40);
      if (currency !== null) {
        if (!/^[A-Za-z]{3}$/.test(currency)) fail("currency", `"${currency}" is not an ISO 4217 code such as USD`);
        else item.currency = currency.toUpperCase();
      }
      item.category = text("category", 200);
      const stock = raw.in_stock;
      if (typeof stock === "boolean") item.inStock = stock;
      else {
        const s = text("in_stock", 40)?.toLowerCase();
        if (s != null) {
          if (TRUE.has(s)) item.inStock = true;
          else if (FALSE.has(s)) item.inStock = false;
          else fail("in_stock", `"${s}" is not true/false (or 1/0, yes/no)`);
        }
      }
    }
    for (const name of names) {
      if (name === "id" || (kind === "products" && FIXED.has(name))) continue;
      if (!COLUMN_NAME.test(name) || name.length > CATALOG_LIMITS.columnName) {
        fail(name.slice(0, 80), "is not a usable column name (letters, digits and _, at most 64)");
        continue;
      }
      const value = raw[name];
      if (typeof value === "number" || typeof value === "boolean" || value === null) {
        if (typeof value === "number" && !Number.isFinite(value)) fail(name, "is not a finite number");
        else item.data[name] = value;
      } else if (value !== undefined) {
        const s = text(name, CATALOG_LIMITS.valueLength);
        item.data[name] = s;
      }
      if (!seenColumns.has(name)) {
        seenColumns.add(name);
        columns.push(name);
      }
    }
    if (id && !seenIds.has(id)) seenIds.set(id, row);
    if (!bad) items.push(item);
  });
  if (columns.length > CATALOG_LIMITS.columns)
    problem(firstRow, "(columns)", `the upload has ${columns.length} extra columns; at most ${CATALOG_LIMITS.columns}`);
  return { items, columns, problems, problemCount };
}

function link(value: string | null, column: string, fail: (column: string, message: string) => void): string | null {
  if (value === null) return null;
  try {
    const url = new URL(value);
    if (url.protocol === "https:" || url.protocol === "http:") return value;
  } catch {
    // falls through to the problem
  }
  fail(column, `"${value.slice(0, 100)}" is not an http(s) URL`);
  return null;
}

/** Parses an upload given as CSV text or as JSON objects. */
export function parseUpload(
  kind: CatalogKind,
  input: { csv: string } | { items: Record<string, unknown>[] },
): ParsedUpload {
  if ("csv" in input) {
    const { rows, firstLine } = csvRows(input.csv);
    return checkRows(kind, rows, firstLine);
  }
  if (input.items.length > CATALOG_LIMITS.rowsPerUpload)
    throw AppError.field(
      "items",
      `has more than ${CATALOG_LIMITS.rowsPerUpload.toLocaleString("en-US")} items; split it`,
    );
  return checkRows(kind, input.items, 1);
}
