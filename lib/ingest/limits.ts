/** Segment's HTTP API limits, enforced before any deep parsing. */
export const INGEST_LIMITS = {
  maxEventBytes: 32 * 1024,
  maxRequestBytes: 500 * 1024,
  maxBatchSize: 2500,
} as const;
