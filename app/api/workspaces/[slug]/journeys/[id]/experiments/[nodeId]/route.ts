// One implementation, two URLs: the session twin of /api/v1/journeys/[id]/experiments/[nodeId] (lib/http/handler.ts withWorkspace).
export { GET, PUT } from "@/app/api/v1/journeys/[id]/experiments/[nodeId]/route";
