// One implementation, two URLs: the session twin of /api/v1/templates/[id]/approval (lib/http/handler.ts withWorkspace).
export { GET, POST } from "@/app/api/v1/templates/[id]/approval/route";
