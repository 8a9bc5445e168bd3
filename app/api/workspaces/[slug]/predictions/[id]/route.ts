// One implementation, two URLs: the session twin of /api/v1/predictions/[id] (lib/http/handler.ts withWorkspace).
export { GET, PATCH } from "@/app/api/v1/predictions/[id]/route";
