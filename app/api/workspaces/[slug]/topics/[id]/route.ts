// the session twin of /api/v1/topics/[id]
export { PATCH } from "@/app/api/v1/topics/[id]/route";
