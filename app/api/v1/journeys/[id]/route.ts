import { journeysApi } from "@/lib/api/operations";
import { withWorkspace } from "@/lib/http/handler";
import { getJourney } from "@/lib/journeys/read-journeys";
import { renameJourney } from "@/lib/journeys/rename-journey";

/** A journey with its draft (the export), the problems that block publishing, and its versions; PATCH { name }. */
export const GET = withWorkspace(journeysApi.get, (ctx, { params }) => getJourney(ctx, params.id));
export const PATCH = withWorkspace(journeysApi.rename, (ctx, { params, body }) => renameJourney(ctx, params.id, body));
