import { ingestRoute } from "@/lib/ingest/ingest-route";

/** Segment-compatible identify endpoint (https://segment.com/docs/connections/sources/catalog/libraries/server/http-api/). */
export const POST = ingestRoute("identify");
