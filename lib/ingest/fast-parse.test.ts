import { describe, expect, it } from "vitest";
import { fastParseMessage, type MessageDefaults } from "./fast-parse";
import { parsePayload } from "./parse-payload";
import { MESSAGE_SCHEMAS, MESSAGE_TYPES, type MessageType } from "./schemas";

/**
 * The hot path's validation must agree with the zod schemas: on every message it accepts, zod accepts it
 * too with the same output; and it accepts every valid message (so that valid traffic never pays for zod).
 */
const withoutUndefined = (value: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));

const long = "x".repeat(255);
// Values each field may take: absent, valid ones, edge cases and invalid ones.
const ID_VALUES: unknown[] = [
  undefined,
  null,
  "u1",
  "  u1  ",
  "",
  "   ",
  long,
  ` ${long} `,
  `${long}x`,
  42,
  0,
  -7,
  12.5,
  2 ** 53,
  1e21,
  true,
  {},
  [],
  ["u1"],
];
const RECORD_VALUES: unknown[] = [
  undefined,
  null,
  {},
  { a: 1, b: { c: [1, 2] } },
  [],
  "text",
  3,
  JSON.parse('{"__proto__": {"x": 1}, "y": 2}'),
  JSON.parse('{"constructor": "c"}'),
];
const TIMESTAMP_VALUES: unknown[] = [
  undefined,
  null,
  "2026-11-22T09:30:00Z",
  "2026-11-22",
  "Sun, 22 Nov 2026 09:30:00 GMT",
  "yesterday",
  "",
  1_700_000_000_000,
];
const LABEL_VALUES: unknown[] = [undefined, null, "", "Pricing", "  Pricing ", long, `${long}x`, 7];

const FIELDS: Record<string, unknown[]> = {
  messageId: ID_VALUES,
  userId: ID_VALUES,
  anonymousId: ID_VALUES,
  context: RECORD_VALUES,
  integrations: RECORD_VALUES,
  timestamp: TIMESTAMP_VALUES,
  sentAt: TIMESTAMP_VALUES,
  event: ID_VALUES,
  properties: RECORD_VALUES,
  traits: RECORD_VALUES,
  name: LABEL_VALUES,
  category: LABEL_VALUES,
  groupId: ID_VALUES,
  previousId: ID_VALUES,
};

const VALID_BASE: Record<MessageType, Record<string, unknown>> = {
  track: { userId: "u1", event: "Order Completed" },
  identify: { anonymousId: "a1" },
  page: { userId: "u1" },
  screen: { anonymousId: "a1" },
  group: { userId: "u1", groupId: "g1" },
  alias: { userId: "u1", previousId: "a1" },
};

function* corpus(): Generator<{ type: MessageType; message: Record<string, unknown>; defaults: MessageDefaults }> {
  const defaultsVariants: MessageDefaults[] = [
    {},
    { context: { ip: "1.2.3.4" }, integrations: { All: true }, sentAt: "2026-11-22T09:30:05Z" },
    { sentAt: "nope" },
    { context: [] },
  ];
  for (const type of MESSAGE_TYPES) {
    for (const defaults of defaultsVariants) {
      // each field varied alone on a valid message
      for (const [field, values] of Object.entries(FIELDS)) {
        for (const value of values) {
          const message: Record<string, unknown> = { ...VALID_BASE[type], type };
          if (value === undefined) delete message[field];
          else message[field] = value;
          yield { type, message, defaults };
        }
      }
      // identity combinations
      for (const userId of [undefined, null, "u1", ""]) {
        for (const anonymousId of [undefined, null, "a1", ""]) {
          const message: Record<string, unknown> = { ...VALID_BASE[type], type, userId, anonymousId };
          yield { type, message, defaults };
        }
      }
      // unknown top-level fields are dropped
      yield { type, message: { ...VALID_BASE[type], type, extra: 1, receivedAt: "x" }, defaults };
    }
  }
}

describe("fast message validation", () => {
  it("agrees with the zod schemas on every message of the corpus", () => {
    let accepted = 0;
    let cases = 0;
    for (const { type, message, defaults } of corpus()) {
      cases++;
      const withDefaults = {
        ...message,
        context: message.context ?? defaults.context,
        integrations: message.integrations ?? defaults.integrations,
        sentAt: message.sentAt ?? defaults.sentAt,
      };
      const zod = MESSAGE_SCHEMAS[type].safeParse(withDefaults);
      const fast = fastParseMessage(message, type, defaults);
      const label = JSON.stringify({ type, message, defaults });
      if (fast) {
        accepted++;
        expect(zod.success, label).toBe(true);
        expect(withoutUndefined(fast as Record<string, unknown>), label).toEqual(
          withoutUndefined(zod.data as Record<string, unknown>),
        );
      } else if (zod.success) {
        // The only valid messages left to zod: records with a `__proto__` key (zod drops it).
        expect(label, label).toContain("__proto__");
      }
    }
    expect(cases).toBeGreaterThan(1000);
    expect(accepted).toBeGreaterThan(100);
  });

  it("leaves the error messages to the schemas", () => {
    const body = JSON.stringify({
      batch: [
        { type: "track", userId: "u1" },
        { type: "identify", userId: "u1", timestamp: "yesterday" },
        { type: "page" },
      ],
    });
    expect(() => parsePayload(body, "batch")).toThrowError(
      expect.objectContaining({
        fields: [
          { path: "batch.0.event", message: "must be a string" },
          {
            path: "batch.1.timestamp",
            message: "is not a date-time this API can parse (use ISO 8601, e.g. 2026-11-22T09:30:00Z)",
          },
          { path: "batch.2.userId", message: "a message needs a userId or an anonymousId" },
        ],
      }),
    );
  });
});
