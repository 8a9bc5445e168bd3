import { browserIngestPreflight, browserIngestRoute } from "@/lib/ingest/browser-ingest";

/** Segment's browser library posts screen calls here (<apiHost>/s): text/plain, key in the body or header, CORS per key. */
export const POST = browserIngestRoute("screen");
export const OPTIONS = browserIngestPreflight;
