import { describe, expect, it } from "vitest";
import { API_OPERATIONS } from "./operations";
import { apiReference, exampleOf, typeOf } from "./reference";

describe("the API reference", () => {
  const groups = apiReference("https://cairn.example");
  const find = (method: string, path: string) =>
    groups.flatMap((g) => g.operations).find((o) => o.method === method && o.path === path);

  it("shows every operation once, grouped by tag", () => {
    expect(groups.flatMap((g) => g.operations)).toHaveLength(API_OPERATIONS.length);
    expect(groups.map((g) => g.tag)).toEqual(expect.arrayContaining(["Segments", "Journeys", "Ingestion"]));
  });

  it("lists path, query and body fields with their types", () => {
    const members = find("GET", "/api/v1/segments/{id}/members");
    expect(members?.fields).toEqual(
      expect.arrayContaining([
        { name: "id", where: "path", type: "string", required: true },
        expect.objectContaining({ name: "limit", where: "query", type: "integer (1–200)", required: false }),
      ]),
    );
    const create = find("POST", "/api/v1/segments");
    expect(create?.fields).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "name", where: "body", required: true })]),
    );
    expect(create?.access).toBe("An API key with the full scope.");
  });

  it("gives a curl with the key and an example body", () => {
    expect(find("POST", "/api/v1/journeys")?.curl).toBe(
      [
        'curl -X POST "https://cairn.example/api/v1/journeys"',
        '-H "Authorization: Bearer $CAIRN_API_KEY"',
        '-H "Content-Type: application/json"',
        `--data '{"name":"text"}'`,
      ].join(" \\\n  "),
    );
    expect(find("GET", "/api/v1/schema/journey")?.curl).toBe(
      'curl -X GET "https://cairn.example/api/v1/schema/journey"',
    );
  });

  it("says types and examples of JSON Schemas briefly", () => {
    expect(typeOf({ enum: ["replace", "append"] })).toBe('"replace" | "append"');
    expect(typeOf({ type: "array", items: { type: "string" } })).toBe("string[]");
    expect(exampleOf({ type: "object", required: ["n"], properties: { n: { type: "integer", minimum: 3 } } })).toEqual({
      n: 3,
    });
  });
});
