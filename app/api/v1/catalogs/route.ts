import { catalogsApi } from "@/lib/api/operations-catalogs";
import { createCatalog, listCatalogs } from "@/lib/catalogs/manage-catalogs";
import { withWorkspace } from "@/lib/http/handler";

/** Also served at /api/workspaces/[slug]/catalogs for members' sessions. */
export const GET = withWorkspace(catalogsApi.list, (ctx) => listCatalogs(ctx));
export const POST = withWorkspace(catalogsApi.create, async (ctx, { body }) =>
  Response.json(await createCatalog(ctx, body), { status: 201 }),
);
