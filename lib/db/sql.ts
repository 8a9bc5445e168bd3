import "server-only";
import type pg from "pg";
import type { z } from "zod";

/**
 * The one way store modules run raw SQL. Prisma (lib/db/client.ts) serves plain CRUD; the statements Prisma cannot
 * express (recordset inserts, ON CONFLICT counters, recursive CTEs, batched claims) are written by hand, and each
 * read names a zod schema for its rows. The schema is the row's type *and* a check: a renamed column or a changed
 * type fails loudly at the store, naming the statement and the field, instead of flowing on as `undefined` through
 * a `query<Row>` cast nobody checked.
 *
 * Why not a query builder (Kysely)? Most of this SQL is deliberately hand-tuned (unnest batches, prepared
 * statements, `FOR UPDATE SKIP LOCKED`), which a builder would only wrap in `sql` template tags; a checked row is
 * what was missing, and zod is already the boundary library. See ARCHITECTURE.md, "The data layer".
 */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
}

/** A statement's rows did not match the schema its store declared: a programming error, never user input. */
export class RowShapeError extends Error {
  constructor(statement: string, rowIndex: number, issues: z.core.$ZodIssue[]) {
    const where = issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join(".") || "(row)"}: ${issue.message}`)
      .join("; ");
    super(`Row ${rowIndex} of "${summarise(statement)}" does not match its schema: ${where}`);
    this.name = "RowShapeError";
  }
}

function summarise(statement: string): string {
  const flat = statement.replace(/\s+/g, " ").trim();
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}

function checkRows<S extends z.ZodType>(schema: S, text: string, rows: unknown[]): z.output<S>[] {
  const out = new Array<z.output<S>>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const parsed = schema.safeParse(rows[i]);
    if (!parsed.success) throw new RowShapeError(text, i, parsed.error.issues);
    out[i] = parsed.data;
  }
  return out;
}

/** Runs a read and returns its rows, each checked against `schema`. */
export async function selectRows<S extends z.ZodType>(
  q: Queryable,
  schema: S,
  text: string,
  params: unknown[] = [],
): Promise<z.output<S>[]> {
  const { rows } = await q.query(text, params);
  return checkRows(schema, text, rows);
}

/** Runs a read expected to return at most one row: that row (checked), or undefined. */
export async function selectRow<S extends z.ZodType>(
  q: Queryable,
  schema: S,
  text: string,
  params: unknown[] = [],
): Promise<z.output<S> | undefined> {
  const { rows } = await q.query(text, params);
  if (rows.length > 1) throw new Error(`"${summarise(text)}" returned ${rows.length} rows where one was expected.`);
  return rows.length ? checkRows(schema, text, rows)[0] : undefined;
}

/** Runs a write (or any statement whose rows are not read) and returns how many rows it touched. */
export async function execute(q: Queryable, text: string, params: unknown[] = []): Promise<number> {
  const prisma = prismaBehind.get(q);
  if (prisma) return prisma.$executeRawUnsafe(text, ...params);
  const result = await q.query(text, params);
  return result.rowCount ?? 0;
}

/** The raw-query surface of a Prisma client or interactive transaction that `prismaQueryable` needs. */
interface PrismaRaw {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

/** Prisma's queryRaw does not report how many rows a write touched; `execute` asks Prisma's executeRaw instead. */
const prismaBehind = new WeakMap<Queryable, PrismaRaw>();

/**
 * A Prisma client or transaction (`db()`, or `tx` inside `db().$transaction`) as a `Queryable`, so a store
 * function can run its statement inside a Prisma transaction with the same checked helpers. The statement is
 * still parameterised ($1, $2, ...): "Unsafe" in Prisma's name refers to building SQL from strings, which
 * stores never do. Prisma returns int8 as bigint and numeric as Decimal where node-postgres returns strings;
 * the row schema says which it expects.
 */
export function prismaQueryable(prisma: PrismaRaw): Queryable {
  const queryable = {
    async query(text: string, params: unknown[] = []) {
      const rows = await prisma.$queryRawUnsafe<pg.QueryResultRow[]>(text, ...params);
      return { rows, rowCount: rows.length, command: "", oid: 0, fields: [] } as unknown as pg.QueryResult;
    },
  } as Queryable;
  prismaBehind.set(queryable, prisma);
  return queryable;
}
