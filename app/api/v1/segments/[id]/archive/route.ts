import { apiKeyRoute } from "@/lib/http/handler";
import { archiveSegment } from "@/lib/segments/segments";

export const POST = apiKeyRoute<{ id: string }>("content:write", (ctx, _request, { id }) => archiveSegment(ctx, id));
