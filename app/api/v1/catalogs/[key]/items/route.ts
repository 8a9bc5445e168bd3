import { catalogsApi } from "@/lib/api/operations-catalogs";
import { listItems, patchItems } from "@/lib/catalogs/manage-catalogs";
import { withWorkspace } from "@/lib/http/handler";

/** Also served at /api/workspaces/[slug]/catalogs/[key]/items for members' sessions. */
export const GET = withWorkspace(catalogsApi.items, (ctx, { params, query }) => listItems(ctx, params.key, query));
export const PATCH = withWorkspace(catalogsApi.patchItems, (ctx, { params, body }) =>
  patchItems(ctx, params.key, body),
);
