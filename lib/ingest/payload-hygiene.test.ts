import { describe, expect, it } from "vitest";
import { INGEST_LIMITS } from "./limits";
import { parsePayload } from "./parse-payload";

const NOW = new Date("2026-11-22T12:00:00.000Z");

/** The field problems parsePayload refuses a body with (it throws one 400 listing them). */
function problems(body: string, endpoint: Parameters<typeof parsePayload>[1] = "batch", now = NOW) {
  try {
    parsePayload(body, endpoint, now);
  } catch (error) {
    const e = error as { code: string; fields: { path: string; message: string }[] };
    expect(e.code).toBe("bad_request");
    return e.fields;
  }
  return [];
}

const track = (extra: Record<string, unknown> = {}) => ({
  type: "track",
  userId: "u1",
  event: "Order Completed",
  ...extra,
});
const batch = (...messages: unknown[]) => JSON.stringify({ batch: messages });

/** `depth` arrays nested inside each other, as JSON text (JSON.stringify would overflow building it). */
const nestedArrays = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

describe("payload hygiene", () => {
  it("refuses \\u0000 in a value or a key at any depth, naming the path, on the fast path and the zod path", () => {
    // valid messages otherwise (the fast path) …
    expect(problems(batch(track(), track({ properties: { a: { b: ["ok", "bad\u0000"] } } })))).toEqual([
      { path: "batch.1.properties.a.b.1", message: "contains the character \\u0000, which cannot be stored" },
    ]);
    expect(problems(batch(track({ context: { ["k\u0000"]: 1 } })))).toEqual([
      { path: "batch.0.context", message: "has a key that contains the character \\u0000, which cannot be stored" },
    ]);
    // … and messages zod reads (no event name): the hygiene problem is named beside the schema's
    expect(problems(batch({ type: "track", userId: "u\u0000" }))).toEqual([
      { path: "batch.0.userId", message: "contains the character \\u0000, which cannot be stored" },
    ]);
    expect(problems(JSON.stringify({ userId: "u1", event: "E", traits: { x: "\u0000" } }), "track")).toEqual([
      { path: "traits.x", message: "contains the character \\u0000, which cannot be stored" },
    ]);
  });

  it("refuses a lone UTF-16 surrogate in a value or a key", () => {
    // JSON text with escapes, as a client sends it (JSON.stringify would escape the surrogate the same way)
    expect(problems('{"batch":[{"type":"track","userId":"u1","event":"E","properties":{"name":"\\ud800x"}}]}')).toEqual(
      [{ path: "batch.0.properties.name", message: "contains an unpaired UTF-16 surrogate (not valid Unicode)" }],
    );
    expect(problems('{"batch":[{"type":"identify","userId":"u1","traits":{"\\udc00":1}}]}')).toEqual([
      { path: "batch.0.traits", message: "has a key that contains an unpaired UTF-16 surrogate (not valid Unicode)" },
    ]);
    // a proper pair is fine
    expect(problems(batch(track({ properties: { emoji: "🪨" } })))).toEqual([]);
  });

  it("refuses 1e400 and -1e400 instead of storing null", () => {
    expect(
      problems('{"batch":[{"type":"track","userId":"u1","event":"E","properties":{"total":1e400,"list":[-1e400]}}]}'),
    ).toEqual([
      { path: "batch.0.properties.total", message: "is a number too large to store (beyond ±1.7976931348623157e308)" },
      { path: "batch.0.properties.list.0", message: "is a number too large to store (beyond ±1.7976931348623157e308)" },
    ]);
  });

  it("refuses nesting deeper than the limit before anything recurses into it, even 250,000 levels", () => {
    const limit = INGEST_LIMITS.maxNestingDepth;
    // `properties` is level 1: limit - 1 arrays inside it are fine, one more is not
    expect(
      problems(`{"batch":[{"type":"track","userId":"u1","event":"E","properties":{"a":${nestedArrays(limit - 1)}}}]}`),
    ).toEqual([]);
    const [tooDeep] = problems(
      `{"batch":[{"type":"track","userId":"u1","event":"E","properties":{"a":${nestedArrays(limit)}}}]}`,
    );
    expect(tooDeep).toEqual({
      path: `batch.0.properties.a${".0".repeat(limit - 1)}`,
      message: `nests deeper than ${limit} levels`,
    });
    for (const depth of [5_000, 240_000]) {
      expect(
        problems(`{"batch":[{"type":"track","userId":"u1","event":"E","properties":{"a":${nestedArrays(depth)}}}]}`)[0]
          .message,
      ).toBe(`nests deeper than ${limit} levels`);
    }
    // (a single message is at most 32 KB: 5,000 levels)
    expect(problems(`{"userId":"u1","event":"E","properties":{"a":${nestedArrays(5_000)}}}`, "track")[0].message).toBe(
      `nests deeper than ${limit} levels`,
    );
    // the envelope's context too
    expect(problems(`{"context":{"a":${nestedArrays(5_000)}},"batch":[${JSON.stringify(track())}]}`)[0].path).toMatch(
      /^context\.a\.0/,
    );
  });

  it("limits the keys of properties, traits and context, counted at every depth", () => {
    const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
    const max = INGEST_LIMITS.maxKeysPerField;
    expect(problems(batch(track({ properties: keys(max) })))).toEqual([]);
    expect(problems(batch(track({ properties: keys(max + 1) })))).toEqual([
      { path: "batch.0.properties", message: `has ${max + 1} keys; the limit is ${max} (counted at every depth)` },
    ]);
    expect(problems(batch({ type: "identify", userId: "u1", traits: { a: keys(max / 2), b: keys(max / 2) } }))).toEqual(
      [{ path: "batch.0.traits", message: `has ${max + 2} keys; the limit is ${max} (counted at every depth)` }],
    );
  });

  it("keeps a batch all or nothing: a valid message beside an invalid one, and every problem listed", () => {
    expect(
      problems(batch(track(), track({ properties: { x: "\u0000" } }), track({ timestamp: "1999-12-31T23:59:59Z" }))),
    ).toEqual([
      { path: "batch.1.properties.x", message: "contains the character \\u0000, which cannot be stored" },
      { path: "batch.2.timestamp", message: "must be between 2000-01-01 and 1 day from now" },
    ]);
  });
});

describe("the timestamp window", () => {
  const at = (timestamp: string, extra: Record<string, unknown> = {}) =>
    problems(batch(track({ timestamp, ...extra })));
  const refused = (path = "batch.0.timestamp") => [{ path, message: "must be between 2000-01-01 and 1 day from now" }];

  it("accepts 2000-01-01 up to one day after the server's now, after the clock-skew correction", () => {
    expect(at("2000-01-01T00:00:00.000Z")).toEqual([]);
    expect(at("2026-11-23T12:00:00.000Z")).toEqual([]);
    // a device clock three years ahead: sentAt says so, the corrected time is now
    expect(at("2029-11-22T11:59:00.000Z", { sentAt: "2029-11-22T12:00:00.000Z" })).toEqual([]);
  });

  it("refuses year 275760, the last millisecond before 2000, and more than a day ahead, naming the field", () => {
    expect(at("+275760-09-13T00:00:00.000Z")).toEqual(refused());
    expect(at("1999-12-31T23:59:59.999Z")).toEqual(refused());
    expect(at("2026-11-23T12:00:00.001Z")).toEqual(refused());
    // ahead after the correction: sent "now" by a clock that is right, dated two days later
    expect(at("2026-11-24T12:00:00.000Z", { sentAt: "2026-11-22T12:00:00.000Z" })).toEqual(refused());
    // a sentAt no clock shows skews the timestamp out of range, or is itself out of range
    expect(at("2026-11-22T11:00:00.000Z", { sentAt: "+100000-01-01T00:00:00.000Z" })).toEqual([
      { path: "batch.0.sentAt", message: "must be a date-time between the years 0001 and 9999" },
    ]);
    expect(
      problems(JSON.stringify({ userId: "u1", event: "E", timestamp: "+275760-09-13T00:00:00Z" }), "track"),
    ).toEqual(refused("timestamp"));
    // the envelope's sentAt applies to every message
    expect(
      problems(
        JSON.stringify({
          batch: [track({ timestamp: "2026-11-22T11:00:00.000Z" })],
          sentAt: "2000-01-01T00:00:00.000Z",
        }),
      ),
    ).toEqual(refused());
  });

  it("uses the clock it is given", () => {
    expect(at("2030-01-01T00:00:00.000Z")).toEqual(refused());
    expect(
      problems(batch(track({ timestamp: "2030-01-01T00:00:00.000Z" })), "batch", new Date("2030-01-01T00:00:00.000Z")),
    ).toEqual([]);
  });
});
