import { draftCopy } from "@/lib/ai/drafts";
import { aiApi } from "@/lib/api/operations-ai";
import { withWorkspace } from "@/lib/http/handler";

export const POST = withWorkspace(aiApi.drafts, (ctx, { body }) => draftCopy(ctx, body));
