import { browserIngestPreflight, browserIngestRoute } from "@/lib/ingest/browser-ingest";

/** Segment's browser library posts alias calls here (<apiHost>/a): text/plain, key in the body or header, CORS per key. */
export const POST = browserIngestRoute("alias");
export const OPTIONS = browserIngestPreflight;
