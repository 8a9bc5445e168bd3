import { broadcastResultsApi } from "./broadcast-results";
import { broadcastsApi } from "./broadcasts";
import { journeysApi, experimentsApi } from "./journeys";
import { sender } from "./request";
import { segmentsApi } from "./segments";
import { eventsApi, settingsApi } from "./settings";
import { templatesApi } from "./templates";
import { topicsApi } from "./topics";
import { accountApi, workspaceApi } from "./workspace";

export { ApiError, type ApiResult } from "./request";

/**
 * The typed client for Cairn's API, one function per operation: `await api.segments.create(slug, body)` answers
 * `{ ok: true, data }` or `{ ok: false, error: ApiError }`. Bodies are typed from the lib's zod schemas and answers
 * from the domain functions the routes call, both as types only. `origin` is "" in the browser (same origin); tests
 * pass a server's address.
 */
export function createApiClient(origin = "") {
  const send = sender(origin);
  return {
    account: accountApi(send),
    workspace: workspaceApi(send),
    settings: settingsApi(send),
    events: eventsApi(send),
    segments: segmentsApi(send),
    templates: templatesApi(send),
    journeys: journeysApi(send),
    experiments: experimentsApi(send),
    broadcasts: { ...broadcastsApi(send), ...broadcastResultsApi(send) },
    topics: topicsApi(send),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

export const api = createApiClient();
