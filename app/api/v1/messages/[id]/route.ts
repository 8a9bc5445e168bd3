import { transactionalApi } from "@/lib/api/operations-transactional";
import { withWorkspace } from "@/lib/http/handler";
import { getMessageStatus } from "@/lib/messaging/transactional/get-message-status";

/** A message's status and timeline (any category), for the backend that sent it. */
export const GET = withWorkspace(transactionalApi.getMessage, (ctx, { params }) => getMessageStatus(ctx, params.id));
