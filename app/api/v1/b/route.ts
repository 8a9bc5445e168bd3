import { browserIngestPreflight, browserIngestRoute } from "@/lib/ingest/browser-ingest";

/** Segment's browser library posts batch calls here (<apiHost>/b): text/plain, key in the body or header, CORS per key. */
export const POST = browserIngestRoute("batch");
export const OPTIONS = browserIngestPreflight;
