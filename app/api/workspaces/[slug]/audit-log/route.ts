import { listAuditLog, ZAuditLogQuery } from "@/lib/audit/audit-log";
import { withWorkspace } from "@/lib/http/handler";

/** The audit log, newest first: ?limit= and ?before=<id of the last entry shown>. */
export const GET = withWorkspace(
  { permission: "audit:read", auth: "session", query: ZAuditLogQuery },
  (ctx, { query }) => listAuditLog(ctx, query),
);
