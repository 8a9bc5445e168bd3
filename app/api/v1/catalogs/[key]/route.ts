import { catalogsApi } from "@/lib/api/operations-catalogs";
import { getCatalog } from "@/lib/catalogs/manage-catalogs";
import { withWorkspace } from "@/lib/http/handler";

/** Also served at /api/workspaces/[slug]/catalogs/[key] for members' sessions. */
export const GET = withWorkspace(catalogsApi.get, (ctx, { params }) => getCatalog(ctx, params.key));
