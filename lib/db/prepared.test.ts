import { describe, expect, it } from "vitest";
import { preparedStatementsEnabled, statementName } from "./prepared";

describe("which statements are prepared", () => {
  it("names a statement from its second execution, always by the same name, and another text by another", () => {
    const text = "SELECT $1::int AS first_test";
    expect(statementName(text)).toBeUndefined();
    const name = statementName(text);
    expect(name).toMatch(/^cairn_[\w-]{27}$/);
    expect(statementName(text)).toBe(name);
    statementName("SELECT $1::int AS other_test");
    expect(statementName("SELECT $1::int AS other_test")).not.toBe(name);
  });

  it("stops naming new texts at 1,000, so SQL built per request cannot fill the database's memory with plans", () => {
    const names = new Set<string>();
    for (let i = 0; i < 1_500; i++) {
      const text = `SELECT ${i} AS built_per_request`;
      statementName(text);
      const name = statementName(text);
      if (name) names.add(name);
    }
    expect(names.size).toBe(1_000 - 2); // the two texts of the test above have names already
    // a text named before the cap keeps its name
    expect(statementName("SELECT $1::int AS first_test")).toMatch(/^cairn_/);
  });

  it("is on unless CAIRN_DB_PREPARED_STATEMENTS=off", () => {
    expect(preparedStatementsEnabled({})).toBe(true);
    expect(preparedStatementsEnabled({ CAIRN_DB_PREPARED_STATEMENTS: "off" })).toBe(false);
  });
});
