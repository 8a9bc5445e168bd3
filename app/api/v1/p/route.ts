import { browserIngestPreflight, browserIngestRoute } from "@/lib/ingest/browser-ingest";

/** Segment's browser library posts page calls here (<apiHost>/p): text/plain, key in the body or header, CORS per key. */
export const POST = browserIngestRoute("page");
export const OPTIONS = browserIngestPreflight;
