import { ingestRoute } from "@/lib/ingest/ingest-route";

/** Segment-compatible batch endpoint (https://segment.com/docs/connections/sources/catalog/libraries/server/http-api/). */
export const POST = ingestRoute("batch");
