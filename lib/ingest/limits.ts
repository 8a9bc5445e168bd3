/**
 * Every limit ingestion enforces, in one place (docs/security.md lists them). Each is checked before
 * the work it protects: sizes before JSON parsing, shape limits in one pass over the parsed JSON before
 * validation (./payload-hygiene.ts), the profile's trait count in the statement that stores the events
 * (./store-batch.ts), the catalog caps in the rollup (./rollup.ts).
 */
export const INGEST_LIMITS = {
  /** Segment's HTTP API limits. */
  maxEventBytes: 32 * 1024,
  maxRequestBytes: 500 * 1024,
  maxBatchSize: 2500,
  /**
   * How deeply a message's values may nest (objects and arrays; `properties` itself is level 1). Deeper
   * JSON overflowed the stack of JSON.stringify and Postgres' jsonb readers (a 500), and no analytics
   * property needs it. Segment's own limit on nested properties is far lower in practice.
   */
  maxNestingDepth: 32,
  /**
   * Keys in each of a message's `properties`, `traits` and `context`, counted at every depth. Keeps one
   * event from adding thousands of catalog rows or trait keys; a real event has a few dozen.
   */
  maxKeysPerField: 500,
  /**
   * Top-level traits a profile may hold after an identify is merged in. Beyond it that profile's identifies
   * in the request are rejected (named `batch.N.traits`, kept as rejected events), the rest of the request is
   * stored, and the profile stays as it was: profiles are read whole by every journey step, segment check and page.
   */
  maxTraitsPerProfile: 1_000,
  /** A message's problems named at most (the rest are left out of the answer; the message is rejected either way). */
  maxIssues: 50,
} as const;

/**
 * The window an event's timestamp must fall in, after the clock-skew correction (./normalize.ts):
 * from 2000-01-01 to one day after the server's now. Outside it the message is rejected (named
 * `batch.N.timestamp` in the answer, kept as a rejected event) rather than clamped: a client with a broken
 * clock learns it at once, and nothing misleading is stored. An instant outside it (year 275760 is a
 * valid ISO date) broke every reader of events (lib/events/instant.ts). A raw `timestamp` or `sentAt`
 * must also be a four-digit-year date (0001–9999), what Postgres, JSON consumers and browsers all read.
 */
export const TIMESTAMP_WINDOW = {
  earliest: new Date("2000-01-01T00:00:00.000Z"),
  /** how far after now an event may be dated */
  futureMs: 24 * 60 * 60 * 1000,
  /** what a raw timestamp/sentAt may be at all, in milliseconds since the epoch: 0001-01-01 to 9999-12-31 */
  minRawMs: Date.parse("0001-01-01T00:00:00.000Z"),
  maxRawMs: Date.parse("9999-12-31T23:59:59.999Z"),
  message: "must be between 2000-01-01 and 1 day from now",
} as const;

/**
 * The event catalog's caps per workspace (./rollup.ts). Past a cap the rollup stops adding *new* event
 * names, property keys or trait keys (the events themselves are stored and counted as always; names
 * already in the catalog keep being updated), and the catalog says it is full (lib/events/events.ts).
 * Ingestion never fails for it: a client inventing names (a timestamp or an id in an event name) would
 * otherwise grow the catalog, and every page that reads it, without bound.
 */
export const CATALOG_LIMITS = {
  eventTypes: 2_000,
  /** (event name, property key, JSON type) rows */
  eventProperties: 20_000,
  /** (trait key, type) rows */
  profileTraits: 5_000,
} as const;
