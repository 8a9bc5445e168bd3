import { getAiStatus } from "@/lib/ai/settings";
import { aiApi } from "@/lib/api/operations-ai";
import { withWorkspace } from "@/lib/http/handler";

/** Whether AI drafting is connected (the editor's AI panel), and this month's token usage. */
export const GET = withWorkspace(aiApi.status, (ctx) => getAiStatus(ctx));
