import { getAiSettings, updateAiSettings } from "@/lib/ai/settings";
import { aiApi } from "@/lib/api/operations-ai";
import { withWorkspace } from "@/lib/http/handler";

/** Settings → AI: GET everything (never the key), PATCH the brand, limit and approval settings. */
export const GET = withWorkspace(aiApi.settings, (ctx) => getAiSettings(ctx));
export const PATCH = withWorkspace(aiApi.updateSettings, (ctx, { body }) => updateAiSettings(ctx, body));
