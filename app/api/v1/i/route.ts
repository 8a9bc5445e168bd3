import { browserIngestPreflight, browserIngestRoute } from "@/lib/ingest/browser-ingest";

/** Segment's browser library posts identify calls here (<apiHost>/i): text/plain, key in the body or header, CORS per key. */
export const POST = browserIngestRoute("identify");
export const OPTIONS = browserIngestPreflight;
