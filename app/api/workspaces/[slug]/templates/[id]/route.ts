// One implementation, two URLs: the session twin of /api/v1/templates/[id] (lib/http/handler.ts withWorkspace).
export { GET, PATCH, PUT } from "@/app/api/v1/templates/[id]/route";
