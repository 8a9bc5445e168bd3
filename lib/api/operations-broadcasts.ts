import { type ApiOperation } from "./operation";

/** The broadcasts operations of the public API (listed in API_OPERATIONS by lib/api/operations.ts). */
export const broadcastsApi: Record<string, ApiOperation> = {};
