import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalJson, signRequest } from "./app-client";
import { parseEvents } from "./event-payload";
import { hashSigningKey } from "./http-server";

const nowMs = Date.parse("2026-01-01T00:00:00Z");

describe("event API payloads", () => {
  it("accepts one event or an array, filling data, id and ts as functions receive them", () => {
    const [one] = parseEvents(JSON.stringify({ name: "a/b" }), { nowMs });
    expect(one.payload).toEqual({ name: "a/b", data: {}, id: one.internalId, ts: nowMs });
    const many = parseEvents(
      JSON.stringify([{ name: "a", id: "mine", ts: 5, data: { x: 1 }, user: { id: "u" }, v: "1" }, { name: "b" }]),
      { nowMs },
    );
    expect(many[0]).toMatchObject({
      userId: "mine",
      payload: { name: "a", id: "mine", ts: 5, data: { x: 1 }, user: { id: "u" }, v: "1" },
    });
    expect(many[0].internalId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it("derives the same ids from the same SDK seed (a retried send), different ones per event", () => {
    const body = JSON.stringify([{ name: "a" }, { name: "a" }]);
    const seed = "1767225600000,AAECAwQFBgcICQ==";
    const first = parseEvents(body, { nowMs, seed }).map((e) => e.internalId);
    expect(parseEvents(body, { nowMs: nowMs + 5000, seed }).map((e) => e.internalId)).toEqual(first);
    expect(first[0]).not.toBe(first[1]);
    expect(parseEvents(body, { nowMs }).map((e) => e.internalId)).not.toEqual(first);
  });

  it("says which event and field is wrong", () => {
    expect(() => parseEvents("[", { nowMs })).toThrow(/not valid JSON/);
    expect(() => parseEvents(JSON.stringify([{ name: "ok" }, { name: "" }]), { nowMs })).toThrow("Event 1 has no name");
    expect(() => parseEvents(JSON.stringify({ name: "x", ts: "yesterday" }), { nowMs })).toThrow(
      `The event ("x"): ts must be a number`,
    );
    expect(() => parseEvents(JSON.stringify({ name: "x", id: 5 }), { nowMs })).toThrow("id must be a non-empty string");
    expect(() => parseEvents(JSON.stringify(Array.from({ length: 5001 }, () => ({ name: "x" }))), { nowMs })).toThrow(
      "At most 5000 events",
    );
  });
});

describe("signing (the real SDK verifies it in signed.int.test.ts)", () => {
  it("canonicalizes JSON (RFC 8785 key order), signs canonical body + timestamp with the key minus its prefix", () => {
    expect(canonicalJson({ b: 1, a: [{ d: null, c: "x" }], u: undefined })).toBe(`{"a":[{"c":"x","d":null}],"b":1}`);
    const expected = createHmac("sha256", "abc").update("{}1700000000").digest("hex");
    expect(signRequest("{}", "signkey-test-abc", 1_700_000_000_000)).toBe(`t=1700000000&s=${expected}`);
    expect(hashSigningKey("signkey-test-00ff")).toBe(
      `signkey-test-${createHash("sha256")
        .update(Buffer.from([0, 255]))
        .digest("hex")}`,
    );
  });
});
