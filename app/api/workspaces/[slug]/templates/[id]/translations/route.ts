// One implementation, two URLs: the session twin of /api/v1/templates/[id]/translations (lib/http/handler.ts withWorkspace).
export { GET, PUT } from "@/app/api/v1/templates/[id]/translations/route";
