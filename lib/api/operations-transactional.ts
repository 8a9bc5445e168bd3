import { type ApiOperation } from "./operation";

/** The transactional operations of the public API (listed in API_OPERATIONS by lib/api/operations.ts). */
export const transactionalApi: Record<string, ApiOperation> = {};
