import { describe, expect, it } from "vitest";
import { evaluate, evaluateBoolean, evaluateKey, parseExpression } from "./expressions";

const event = {
  name: "cairn/x",
  data: { userId: "u1", n: 3, nested: { "a-b": true }, kind: "email", function_id: "cairn-tick" },
};

describe("expressions (CEL subset)", () => {
  it("evaluates paths, including bracket keys and missing fields", () => {
    expect(evaluate(parseExpression("event.data.userId"), { event })).toBe("u1");
    expect(evaluate(parseExpression(`event.data.nested["a-b"]`), { event })).toBe(true);
    expect(evaluate(parseExpression("event.data.missing.deeper"), { event })).toBeUndefined();
  });

  it("compares, combines and concatenates", () => {
    expect(evaluateBoolean(parseExpression("event.data.function_id == 'cairn-tick'"), { event })).toBe(true);
    expect(
      evaluateBoolean(parseExpression(`event.data.kind == "sms" || (event.data.n > 2 && !event.data.muted)`), {
        event,
      }),
    ).toBe(true);
    expect(evaluateBoolean(parseExpression("event.data.n >= 4"), { event })).toBe(false);
    expect(evaluateBoolean(parseExpression("event.data.n != 3"), { event })).toBe(false);
    expect(evaluateKey(parseExpression(`event.data.userId + "-" + event.data.kind`), { event })).toBe("u1-email");
  });

  it("keys non-strings by their JSON, missing values as null", () => {
    expect(evaluateKey(parseExpression("event.data.n"), { event })).toBe("3");
    expect(evaluateKey(parseExpression("event.data.none"), { event })).toBe("null");
  });

  it("rejects what it does not implement, saying what", () => {
    expect(() => parseExpression("size(event.data.list) > 1")).toThrow(/unknown name "size"/);
    expect(() => parseExpression("event.data.list.exists(x, x > 1)")).toThrow(/function calls are not supported/);
    expect(() => parseExpression("event.data.x in ['a']")).toThrow(/unexpected "in"/);
    expect(() => parseExpression("event.data.x ? 1 : 2")).toThrow(/unexpected "\?"/);
    expect(() => parseExpression("async.data.x == event.data.x")).toThrow(/unknown name "async"/);
    expect(() => parseExpression("event.data.x == 'open")).toThrow(/unterminated string/);
  });
});
