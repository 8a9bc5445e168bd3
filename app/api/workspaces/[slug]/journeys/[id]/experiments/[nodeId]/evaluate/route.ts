// One implementation, two URLs: the session twin of /api/v1/journeys/[id]/experiments/[nodeId]/evaluate (lib/http/handler.ts withWorkspace).
export { POST } from "@/app/api/v1/journeys/[id]/experiments/[nodeId]/evaluate/route";
