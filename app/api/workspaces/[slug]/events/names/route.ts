import { listCatalogNames } from "@/lib/events/events";
import { workspaceRoute } from "@/lib/http/handler";

/** The catalog's event names and property keys: the journey canvas suggests them and warns about unknown names. */
export const GET = workspaceRoute("workspace:read", async (ctx) => ({ events: await listCatalogNames(ctx) }));
