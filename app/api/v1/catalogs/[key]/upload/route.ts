import { catalogsApi } from "@/lib/api/operations-catalogs";
import { uploadFromRequest } from "@/lib/catalogs/http";
import { withWorkspace } from "@/lib/http/handler";

/** Also served at /api/workspaces/[slug]/catalogs/[key]/upload for members' sessions. */
export const POST = withWorkspace(catalogsApi.upload, (ctx, { request, params, query }) =>
  uploadFromRequest(ctx, request, params.key, query),
);
