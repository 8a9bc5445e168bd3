// One implementation, two URLs: the session twin of /api/v1/ai/provider (lib/http/handler.ts withWorkspace).
export { DELETE, PUT } from "@/app/api/v1/ai/provider/route";
