import { describe, expect, it } from "vitest";
import { GET } from "@/app/api/v1/schema/journey/route";
import { NODE_TYPES } from "./graph";
import { journeyJsonSchema } from "./json-schema";

describe("the journey JSON Schema", () => {
  it("describes every node type with its configuration", () => {
    const schema = journeyJsonSchema() as {
      properties: { nodes: { items: { oneOf?: unknown[]; anyOf?: unknown[] } } };
    };
    const variants = (schema.properties.nodes.items.oneOf ?? schema.properties.nodes.items.anyOf) as {
      properties: { type: { const: string }; config: unknown };
    }[];
    expect(variants.map((v) => v.properties.type.const).sort()).toEqual([...NODE_TYPES].sort());
    const delay = variants.find((v) => v.properties.type.const === "delay.duration")!;
    expect(JSON.stringify(delay.properties.config)).toContain('"minutes","hours","days","weeks"');
  });

  it("is served at GET /api/v1/schema/journey", async () => {
    const response = await GET(new Request("http://localhost/api/v1/schema/journey"), { params: Promise.resolve({}) });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/schema+json");
    expect((await response.json()).$id).toBe("https://cairn.dev/schemas/journey.json");
  });
});

describe("docs/journey-schema.md", () => {
  it("shows the abandoned-cart example exactly as the code defines it", async () => {
    const { readFileSync } = await import("node:fs");
    const { ABANDONED_CART } = await import("./examples");
    const doc = readFileSync("docs/journey-schema.md", "utf8");
    const block = doc.slice(doc.lastIndexOf("```json") + "```json".length, doc.lastIndexOf("```"));
    expect(JSON.parse(block)).toEqual(ABANDONED_CART);
  });
});
