import { aiApi } from "@/lib/api/operations-ai";
import { approveTemplate, getApprovalState } from "@/lib/approvals/approve-template";
import { withWorkspace } from "@/lib/http/handler";

/** GET the approval state (what waits, who may approve, the field diff); POST { version? } approves. */
export const GET = withWorkspace(aiApi.approval, (ctx, { params }) => getApprovalState(ctx, params.id));
export const POST = withWorkspace(aiApi.approve, (ctx, { params, body }) => approveTemplate(ctx, params.id, body));
