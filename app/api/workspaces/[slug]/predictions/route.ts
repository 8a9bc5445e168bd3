// One implementation, two URLs: the session twin of /api/v1/predictions (lib/http/handler.ts withWorkspace).
export { GET, POST } from "@/app/api/v1/predictions/route";
