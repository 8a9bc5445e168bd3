import { describe, expect, it } from "vitest";
import { zodIssuesToFields } from "../errors";
import { ZCreateTopic, ZSetTopicSubscription, ZTopicKey, ZUpdateTopic } from "./schemas";

function problems(schema: { safeParse: (v: unknown) => { success: boolean; error?: unknown } }, value: unknown) {
  const result = schema.safeParse(value);
  return result.success ? [] : zodIssuesToFields(result.error as never);
}

const OK = { key: "order-updates", name: "Order updates", category: "transactional" };

describe("topic schemas", () => {
  it("accepts a topic and fills the defaults (opt-out, no description)", () => {
    expect(ZCreateTopic.parse(OK)).toEqual({ ...OK, description: "", defaultStatus: "subscribed" });
    expect(ZTopicKey.safeParse("a").success).toBe(true);
    expect(ZTopicKey.safeParse(`a${"b".repeat(63)}`).success).toBe(true);
  });

  it.each([
    ["an uppercase key", { ...OK, key: "Order" }, "key", "lowercase"],
    ["a key starting with -", { ...OK, key: "-news" }, "key", "lowercase"],
    ["a key with a space", { ...OK, key: "product news" }, "key", "lowercase"],
    ["a key of 65 characters", { ...OK, key: "a".repeat(65) }, "key", "1 to 64"],
    ["an empty key", { ...OK, key: "" }, "key", "lowercase"],
    ["a key that is no string", { ...OK, key: 7 }, "key", "must be a string"],
    ["an empty name", { ...OK, name: "  " }, "name", "must not be empty"],
    ["a name of 81 characters", { ...OK, name: "n".repeat(81) }, "name", "at most 80"],
    ["a description of 501 characters", { ...OK, description: "d".repeat(501) }, "description", "at most 500"],
    ["an unknown category", { ...OK, category: "news" }, "category", "marketing or transactional"],
    ["a missing category", { key: "k", name: "K" }, "category", "marketing or transactional"],
    ["an unknown default", { ...OK, defaultStatus: "maybe" }, "defaultStatus", "opts in"],
    ["an unknown field", { ...OK, color: "red" }, "", "color"],
  ])("refuses %s, naming the field", (_case, body, path, words) => {
    const found = problems(ZCreateTopic, body);
    expect(found).toHaveLength(1);
    expect(found[0].path).toBe(path);
    expect(found[0].message).toContain(words);
  });

  it("does not let an update change the key or the category", () => {
    expect(problems(ZUpdateTopic, { key: "other" })[0].message).toContain("key");
    expect(problems(ZUpdateTopic, { category: "marketing" })[0].message).toContain("category");
    expect(problems(ZUpdateTopic, { name: "" })).toEqual([{ path: "name", message: "must not be empty" }]);
  });

  it("takes a choice of subscribed or unsubscribed only", () => {
    expect(ZSetTopicSubscription.parse({ status: "unsubscribed" })).toEqual({ status: "unsubscribed" });
    expect(problems(ZSetTopicSubscription, { status: "opted_in" })).toEqual([
      { path: "status", message: "must be subscribed or unsubscribed" },
    ]);
  });
});
