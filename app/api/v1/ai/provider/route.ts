import { deleteProvider, saveProvider } from "@/lib/ai/provider";
import { aiApi } from "@/lib/api/operations-ai";
import { withWorkspace } from "@/lib/http/handler";

/** PUT { baseUrl, model, apiKey? } connects the provider; DELETE disconnects it. */
export const PUT = withWorkspace(aiApi.saveProvider, (ctx, { body }) => saveProvider(ctx, body));
export const DELETE = withWorkspace(aiApi.deleteProvider, (ctx) => deleteProvider(ctx));
