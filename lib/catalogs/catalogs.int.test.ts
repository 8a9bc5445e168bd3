import { describe, expect, it } from "vitest";
import { GET as keyListRoute, POST as keyCreateRoute } from "@/app/api/v1/catalogs/route";
import { POST as keyUploadRoute } from "@/app/api/v1/catalogs/[key]/upload/route";
import { GET as itemsRoute, PATCH as patchRoute } from "@/app/api/workspaces/[slug]/catalogs/[key]/items/route";
import { GET as getRoute } from "@/app/api/workspaces/[slug]/catalogs/[key]/route";
import { POST as uploadRoute } from "@/app/api/workspaces/[slug]/catalogs/[key]/upload/route";
import { POST as createRoute } from "@/app/api/workspaces/[slug]/catalogs/route";
import { createApiKey } from "../api-keys/api-keys";
import { db } from "../db/client";
import { callRoute } from "../testing/call-route";
import { contextOf, createWorkspaceWithTeam, sessionCookie } from "../testing/factories";
import { CATALOG_LIMITS } from "./schemas";

/**
 * Catalogs through the route handlers: create, upload CSV and JSON with a dry run that stores nothing, a real
 * upload that is all or nothing (a bad row is a 422 naming row and column), replace vs upsert, PATCH of prices and
 * stock, limits, permissions, and another workspace's catalog as a 404.
 */

async function team() {
  const t = await createWorkspaceWithTeam("Catalogs");
  return {
    t,
    slug: t.slug,
    editor: await sessionCookie(t.members.EDITOR),
    viewer: await sessionCookie(t.members.VIEWER),
  };
}

const CSV = `id,name,url,image_url,price,currency,category,in_stock,color
sku-1,Trail shoe,https://shop.example/sku-1,https://img.example/1.png,89.90,usd,running,true,red
sku-2,Road shoe,https://shop.example/sku-2,,120,USD,running,false,blue
sku-3,Sock,https://shop.example/sku-3,,9.5,USD,accessories,1,
`;

const items = (catalogId: string) => db().catalogItem.findMany({ where: { catalogId }, orderBy: { itemId: "asc" } });

async function withCatalog() {
  const ctx = await team();
  const created = await callRoute(createRoute, {
    method: "POST",
    cookie: ctx.editor,
    params: { slug: ctx.slug },
    body: { key: "products", name: "Products" },
  });
  expect(created.status).toBe(201);
  return { ...ctx, catalogId: created.body.id as string };
}

const upload = (c: { slug: string; editor: string }, rawBody: string, query = "") =>
  callRoute(uploadRoute, {
    method: "POST",
    cookie: c.editor,
    params: { slug: c.slug, key: "products" },
    path: `/api/workspaces/${c.slug}/catalogs/products/upload${query}`,
    rawBody,
    headers: { "content-type": "text/csv" },
  });

describe("catalog uploads", () => {
  it("a dry run reports counts and stores nothing; the real upload stores; a second dry run sees changes", async () => {
    const c = await withCatalog();
    const dry = await upload(c, CSV, "?dryRun=true");
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({
      dryRun: true,
      rows: 3,
      new: 3,
      changed: 0,
      unchanged: 0,
      removed: 0,
      problems: [],
    });
    expect(await items(c.catalogId)).toHaveLength(0);

    const real = await upload(c, CSV);
    expect(real.body).toMatchObject({ dryRun: false, new: 3 });
    const stored = await items(c.catalogId);
    expect(stored.map((i) => [i.itemId, String(i.price), i.currency, i.inStock, i.data])).toEqual([
      ["sku-1", "89.9", "USD", true, { color: "red" }],
      ["sku-2", "120", "USD", false, { color: "blue" }],
      ["sku-3", "9.5", "USD", true, { color: null }],
    ]);
    expect(
      (await callRoute(getRoute, { cookie: c.viewer, params: { slug: c.slug, key: "products" } })).body,
    ).toMatchObject({
      itemCount: 3,
      columns: ["color"],
    });

    const changedCsv = CSV.replace("89.90", "79.90").replace(/sku-3.*\n/, "sku-4,Cap,,,15,USD,accessories,yes,\n");
    const replaceDry = await upload(c, changedCsv, "?dryRun=1&mode=replace");
    expect(replaceDry.body).toMatchObject({ new: 1, changed: 1, unchanged: 1, removed: 1 });
    const upsertDry = await upload(c, changedCsv, "?dryRun=1");
    expect(upsertDry.body).toMatchObject({ new: 1, changed: 1, unchanged: 1, removed: 0 });
    expect((await items(c.catalogId)).map((i) => i.itemId)).toEqual(["sku-1", "sku-2", "sku-3"]);

    await upload(c, changedCsv, "?mode=replace");
    expect((await items(c.catalogId)).map((i) => [i.itemId, String(i.price)])).toEqual([
      ["sku-1", "79.9"],
      ["sku-2", "120"],
      ["sku-4", "15"],
    ]);
    const audit = await db().auditLog.findMany({ where: { workspaceId: c.t.id, action: "catalog.uploaded" } });
    expect(audit).toHaveLength(2);
  });

  it("one bad row: the dry run lists every problem with row and column, the real upload is a 422 and stores nothing", async () => {
    const c = await withCatalog();
    await upload(c, CSV);
    const before = await items(c.catalogId);
    const bad = `${CSV}sku-5,Hat,ftp://nope,,12.345678,dollars,hats,maybe,\nsku-1,Dup,,,1,USD,x,true,\n,No id,,,1,USD,x,true,\n`;
    const dry = await upload(c, bad, "?dryRun=true");
    expect(dry.status).toBe(200);
    expect(dry.body.problems).toEqual([
      { row: 5, column: "url", message: '"ftp://nope" is not an http(s) URL' },
      { row: 5, column: "price", message: expect.stringContaining("is not a price") },
      { row: 5, column: "currency", message: expect.stringContaining("ISO 4217") },
      { row: 5, column: "in_stock", message: expect.stringContaining("true/false") },
      { row: 6, column: "id", message: '"sku-1" is already the id of row 2' },
      { row: 7, column: "id", message: "is missing" },
    ]);
    expect(dry.body).toMatchObject({ rows: 6, new: 0, unchanged: 3, problemCount: 6 });

    const real = await upload(c, bad);
    expect(real.status).toBe(422);
    expect(real.body.error.fields[0]).toEqual({ path: "rows.5.url", message: '"ftp://nope" is not an http(s) URL' });
    expect(real.body.error.message).toContain("nothing was stored");
    expect(await items(c.catalogId)).toEqual(before);

    // a header without id, a column name Liquid cannot read, broken CSV: 422 naming the csv, nothing stored
    for (const body of ["name,price\nA,1\n", "id,bad name\n1,x\n", 'id,name\n"1,x\n']) {
      const refused = await upload(c, body);
      expect(refused.status).toBe(422);
      expect(refused.body.error.fields[0].path).toBe("csv");
    }
    expect(await items(c.catalogId)).toEqual(before);
  });

  it("limits: too many rows, too long values, too many columns", async () => {
    const c = await withCatalog();
    const many = `id,name\n${Array.from({ length: CATALOG_LIMITS.rowsPerUpload + 1 }, (_, i) => `s${i},N`).join("\n")}\n`;
    const tooMany = await upload(c, many);
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error.fields[0]).toMatchObject({
      path: "csv",
      message: expect.stringContaining("more than 50,000 rows"),
    });

    const long = await upload(c, `id,name\ns1,${"x".repeat(501)}\n`);
    expect(long.status).toBe(422);
    expect(long.body.error.fields[0]).toEqual({ path: "rows.2.name", message: "is 501 characters long; at most 500" });

    const wide = Array.from({ length: CATALOG_LIMITS.columns + 1 }, (_, i) => `c${i}`);
    const tooWide = await upload(c, `id,${wide.join(",")}\n`);
    expect(tooWide.status).toBe(422);
    expect(tooWide.body.error.fields[0].message).toContain("at most 60");
    expect(await items(c.catalogId)).toHaveLength(0);
  });

  it("JSON uploads and PATCH change price and stock; an unknown id in a PATCH changes nothing", async () => {
    const c = await withCatalog();
    const json = await callRoute(uploadRoute, {
      method: "POST",
      cookie: c.editor,
      params: { slug: c.slug, key: "products" },
      body: { items: [{ id: 1001, name: "Kettle", price: 30, in_stock: true, watts: 2000 }] },
    });
    expect(json.body).toMatchObject({ new: 1 });
    const patched = await callRoute(patchRoute, {
      method: "PATCH",
      cookie: c.editor,
      params: { slug: c.slug, key: "products" },
      body: { items: [{ id: "1001", price: 25.5, in_stock: false }] },
    });
    expect(patched.status).toBe(200);
    const listed = await callRoute(itemsRoute, { cookie: c.viewer, params: { slug: c.slug, key: "products" } });
    expect(listed.body.items).toMatchObject([
      { id: "1001", name: "Kettle", price: 25.5, in_stock: false, watts: 2000 },
    ]);

    const unknown = await callRoute(patchRoute, {
      method: "PATCH",
      cookie: c.editor,
      params: { slug: c.slug, key: "products" },
      body: {
        items: [
          { id: "1001", price: 1 },
          { id: "nope", price: 2 },
        ],
      },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.fields[0].path).toBe("items.1.id");
    const badPrice = await callRoute(patchRoute, {
      method: "PATCH",
      cookie: c.editor,
      params: { slug: c.slug, key: "products" },
      body: { items: [{ id: "1001", price: -3 }] },
    });
    expect(badPrice.status).toBe(422);
    expect(badPrice.body.error.fields[0].path).toBe("items.0.price");
    const after = await callRoute(itemsRoute, { cookie: c.viewer, params: { slug: c.slug, key: "products" } });
    expect(after.body.items[0]).toMatchObject({ price: 25.5, in_stock: false });
  });

  it("viewers cannot change; another workspace's catalog is a 404; API keys upload through /api/v1", async () => {
    const c = await withCatalog();
    expect((await upload({ slug: c.slug, editor: c.viewer }, CSV)).status).toBe(403);
    const other = await team();
    expect(
      (await callRoute(getRoute, { cookie: other.viewer, params: { slug: other.slug, key: "products" } })).status,
    ).toBe(404);
    expect((await upload({ slug: other.slug, editor: other.editor }, CSV)).status).toBe(404);
    expect((await upload({ slug: c.slug, editor: other.editor }, CSV)).status).toBe(404);
    const dup = await callRoute(createRoute, {
      method: "POST",
      cookie: c.editor,
      params: { slug: c.slug },
      body: { key: "products", name: "Again" },
    });
    expect(dup.status).toBe(422);
    expect(dup.body.error.fields[0].path).toBe("key");

    const key = await createApiKey(await contextOf(c.t, "OWNER"), { name: "Feed", scope: "FULL" });
    const auth = { authorization: `Bearer ${key.secret}` };
    const lookup = await callRoute(keyCreateRoute, {
      method: "POST",
      headers: auth,
      body: { key: "stores", name: "Stores", kind: "lookup" },
    });
    expect(lookup.status).toBe(201);
    const up = await callRoute(keyUploadRoute, {
      method: "POST",
      headers: { ...auth, "content-type": "text/csv" },
      params: { key: "stores" },
      path: "/api/v1/catalogs/stores/upload",
      rawBody: "id,city,name\nber,Berlin,Mitte\n",
    });
    expect(up.body).toMatchObject({ new: 1, columns: ["city", "name"] });
    expect((await callRoute(keyListRoute, { headers: auth })).body.catalogs.map((x: { key: string }) => x.key)).toEqual(
      ["products", "stores"],
    );
  });
});
