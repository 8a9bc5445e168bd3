import { browserIngestPreflight, browserIngestRoute } from "@/lib/ingest/browser-ingest";

/** Segment's browser library posts track calls here (<apiHost>/t): text/plain, key in the body or header, CORS per key. */
export const POST = browserIngestRoute("track");
export const OPTIONS = browserIngestPreflight;
