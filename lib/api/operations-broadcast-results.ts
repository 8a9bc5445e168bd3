import { type ApiOperation } from "./operation";

/** The broadcast-results operations of the public API (listed in API_OPERATIONS by lib/api/operations.ts). */
export const broadcastResultsApi: Record<string, ApiOperation> = {};
