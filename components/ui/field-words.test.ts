/** Validation messages a form shows on their own name the field in words, never its JSON path. */
import { describe, expect, it } from "vitest";
import { describeFieldProblem, fieldPathWords } from "./field-words";

describe("fieldPathWords", () => {
  it("reads a nested rule group once and numbers list items from 1", () => {
    expect(fieldPathWords("rules.rules.0.value")).toBe("Rule 1 value");
    expect(fieldPathWords("config.rules.rules.2")).toBe("Rule 3");
    expect(fieldPathWords("conditions.0.conditions.1.operator")).toBe("Condition 1 condition 2 operator");
  });

  it("turns internal names into words", () => {
    expect(fieldPathWords("nodes")).toBe("");
    expect(fieldPathWords("settings.apiKey")).toBe("Settings API key");
    expect(fieldPathWords("settings.webhookUrl")).toBe("Settings webhook URL");
    expect(fieldPathWords("templateId")).toBe("Template");
    expect(fieldPathWords("fallback_time_zone")).toBe("Fallback time zone");
    expect(fieldPathWords("")).toBe("");
  });

  it("writes the problem with the field in words, or the message alone", () => {
    expect(describeFieldProblem("nodes", "a journey needs exactly one trigger; add one")).toBe(
      "A journey needs exactly one trigger; add one",
    );
    expect(describeFieldProblem("", "something is off")).toBe("Something is off");
  });
});
