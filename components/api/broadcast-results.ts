import type { Send } from "./request";

/** A broadcast's results and statistics: /api/workspaces/[slug]/broadcasts/[id]/results… */
export function broadcastResultsApi(_send: Send) {
  return {};
}
