// One implementation, two URLs: the session twin of /api/v1/journeys/[id]/draft (lib/http/handler.ts withWorkspace).
export { PUT } from "@/app/api/v1/journeys/[id]/draft/route";
