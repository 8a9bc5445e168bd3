import { ZCreateCatalog, ZItemsQuery, ZPatchItems, ZUploadQuery } from "../catalogs/schemas";
import { keyOperation } from "./operation";

const TAG = "Catalogs";

/** Product catalogs and lookup tables that templates read (listed in API_OPERATIONS by lib/api/operations.ts). */
export const catalogsApi = {
  list: keyOperation({
    method: "GET",
    path: "/catalogs",
    tag: TAG,
    permission: "workspace:read",
    auth: "either",
    summary: "List catalogs",
    description: "Each catalog with its key (the name templates use), kind, extra columns and item count.",
  }),
  create: keyOperation({
    method: "POST",
    path: "/catalogs",
    tag: TAG,
    permission: "content:write",
    auth: "either",
    body: ZCreateCatalog,
    status: 201,
    summary: "Create a catalog",
    description:
      '`kind` "products" (id, name, url, image_url, price, currency, category, in_stock and any extra columns) or "lookup" (an id and any columns). At most 50 per workspace.',
  }),
  get: keyOperation({
    method: "GET",
    path: "/catalogs/{key}",
    tag: TAG,
    permission: "workspace:read",
    auth: "either",
    summary: "A catalog",
  }),
  upload: keyOperation({
    method: "POST",
    path: "/catalogs/{key}/upload",
    tag: TAG,
    permission: "content:write",
    auth: "either",
    query: ZUploadQuery,
    requestBody: {
      contentType: "text/csv",
      description:
        'The CSV itself (a header row with an `id` column) with `?mode=upsert|replace&dryRun=true`, or JSON `{ "mode", "dryRun", "items": [{ "id": …, … }] }` or `{ "mode", "dryRun", "csv": "…" }`. At most 50,000 rows and 20 MB.',
    },
    summary: "Upload items (with a dry run)",
    description:
      "A dry run answers the counts (new, changed, unchanged, removed by a replace) and every problem (row, column, what is wrong) and stores nothing. A real upload with any problem is a 422 naming them, and nothing is stored; otherwise it is written in one transaction.",
  }),
  items: keyOperation({
    method: "GET",
    path: "/catalogs/{key}/items",
    tag: TAG,
    permission: "workspace:read",
    auth: "either",
    query: ZItemsQuery,
    summary: "Browse a catalog's items",
    description: "By id; `q` matches id, name or category; `cursor` is the last id of the previous page.",
  }),
  patchItems: keyOperation({
    method: "PATCH",
    path: "/catalogs/{key}/items",
    tag: TAG,
    permission: "content:write",
    auth: "either",
    body: ZPatchItems,
    summary: "Change some columns of existing items",
    description:
      'E.g. `{ "items": [{ "id": "sku-1", "price": 17.5 }, { "id": "sku-2", "in_stock": false }] }`: templates show the new price and stock at once. An unknown id is a 422 and nothing changes.',
  }),
};
