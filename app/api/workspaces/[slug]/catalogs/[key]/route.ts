// One implementation, two URLs: the session twin of /api/v1/catalogs/{key} (lib/http/handler.ts withWorkspace).
export { GET } from "@/app/api/v1/catalogs/[key]/route";
