// the session twin of /api/v1/topics/[id]/archive
export { POST } from "@/app/api/v1/topics/[id]/archive/route";
