import { testAiConnection } from "@/lib/ai/settings";
import { aiApi } from "@/lib/api/operations-ai";
import { withWorkspace } from "@/lib/http/handler";

/** One tiny call with the stored provider: { ok, model, reply, ms } or { ok: false, message }. */
export const POST = withWorkspace(aiApi.testProvider, (ctx) => testAiConnection(ctx));
