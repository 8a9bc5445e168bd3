import { browserIngestPreflight, browserIngestRoute } from "@/lib/ingest/browser-ingest";

/** Segment's browser library posts group calls here (<apiHost>/g): text/plain, key in the body or header, CORS per key. */
export const POST = browserIngestRoute("group");
export const OPTIONS = browserIngestPreflight;
