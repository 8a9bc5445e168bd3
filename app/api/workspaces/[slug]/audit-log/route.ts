import { listAuditLog } from "@/lib/audit/audit-log";
import { workspaceRoute } from "@/lib/http/handler";

export const GET = workspaceRoute("audit:read", async (ctx, request) => {
  const params = new URL(request.url).searchParams;
  return listAuditLog(ctx, { limit: params.get("limit") ?? undefined, before: params.get("before") ?? undefined });
});
