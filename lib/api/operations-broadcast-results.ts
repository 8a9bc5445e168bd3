import { ZBroadcastResultsQuery } from "../broadcasts/results/results-query";
import { keyOperation } from "./operation";

/** The broadcast-results operations of the public API (listed in API_OPERATIONS by lib/api/operations.ts). */
export const broadcastResultsApi = {
  results: keyOperation({
    method: "GET",
    path: "/broadcasts/{id}/results",
    tag: "Broadcasts",
    permission: "workspace:read",
    auth: "either",
    query: ZBroadcastResultsQuery,
    summary: "A broadcast's results per variant and holdout, over time, and the statistics",
    description:
      "Sent, delivered, opened, clicked, bounced, unsubscribed, converted (the conversion event within the window after each message; the holdout: after the start) and revenue (the conversion event's `revenue` property), per variant and for the holdout; a time series (hourly for 48 h, then daily); and the variants compared as a journey split is (`statistics`, the sequential test) on `metric`: `open`, `click` or `conversion` (default: the winner metric, else conversion).",
  }),
};
