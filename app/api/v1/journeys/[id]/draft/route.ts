import { journeysApi } from "@/lib/api/operations";
import { withWorkspace } from "@/lib/http/handler";
import { saveDraft } from "@/lib/journeys/save-draft";

/** Also served at /api/workspaces/[slug]/journeys/[id]/draft for members' sessions (the canvas's autosave). */
export const PUT = withWorkspace(journeysApi.saveDraft, (ctx, { params, body }) => saveDraft(ctx, params.id, body));
