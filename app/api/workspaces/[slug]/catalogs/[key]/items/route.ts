// One implementation, two URLs: the session twin of /api/v1/catalogs/{key}/items (lib/http/handler.ts withWorkspace).
export { GET, PATCH } from "@/app/api/v1/catalogs/[key]/items/route";
