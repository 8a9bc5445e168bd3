import { translateContent } from "@/lib/ai/translate";
import { aiApi } from "@/lib/api/operations-ai";
import { withWorkspace } from "@/lib/http/handler";

export const POST = withWorkspace(aiApi.translate, (ctx, { body }) => translateContent(ctx, body));
