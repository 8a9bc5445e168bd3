import type { Send } from "./request";

/** Broadcasts: /api/workspaces/[slug]/broadcasts/… */
export function broadcastsApi(_send: Send) {
  return {};
}
