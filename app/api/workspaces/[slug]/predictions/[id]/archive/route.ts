// One implementation, two URLs: the session twin of /api/v1/predictions/[id]/archive (lib/http/handler.ts withWorkspace).
export { POST } from "@/app/api/v1/predictions/[id]/archive/route";
