// One implementation, two URLs: the session twin of /api/v1/ai (lib/http/handler.ts withWorkspace).
export { GET } from "@/app/api/v1/ai/route";
