import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { openApiDocument, queryParametersOf } from "./openapi";
import { API_OPERATIONS, journeysApi, segmentsApi } from "./operations";

const V1 = join(process.cwd(), "app/api/v1");

function routeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return routeFiles(path);
    return name === "route.ts" ? [path] : [];
  });
}

/** app/api/v1/segments/[id]/route.ts → /segments/{id} */
function apiPathOf(file: string): string {
  const dir = relative(V1, file).replace(/\/?route\.ts$/, "");
  return `/${dir.replace(/\[([^\]]+)\]/g, "{$1}")}`;
}

/** The HTTP methods a route file exports: `export const GET`, `export async function GET`, `export { GET } from`. */
function exportedMethods(source: string): string[] {
  const methods = new Set<string>();
  for (const match of source.matchAll(
    /export\s+(?:const|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE|OPTIONS|HEAD)\b/g,
  ))
    methods.add(match[1]);
  for (const match of source.matchAll(/export\s*\{([^}]*)\}/g))
    for (const name of match[1].split(","))
      if (
        /^(GET|POST|PUT|PATCH|DELETE|OPTIONS|HEAD)$/.test(
          name
            .trim()
            .split(/\s+as\s+/)
            .pop() ?? "",
        )
      )
        methods.add(
          name
            .trim()
            .split(/\s+as\s+/)
            .pop()!,
        );
  return [...methods];
}

describe("the API operation list", () => {
  const routes = routeFiles(V1).flatMap((file) =>
    exportedMethods(readFileSync(file, "utf8")).map((method) => `${method} ${apiPathOf(file)}`),
  );
  const documented = API_OPERATIONS.map((operation) => `${operation.method} ${operation.path}`);

  it("documents every method every /api/v1 route file exports", () => {
    expect(routes.length).toBeGreaterThan(50);
    expect(routes.filter((operation) => !documented.includes(operation))).toEqual([]);
  });

  it("documents no operation that no route serves, and none twice", () => {
    expect(documented.filter((operation) => !routes.includes(operation))).toEqual([]);
    expect(new Set(documented).size).toBe(documented.length);
  });

  it("sees re-exports and function declarations as exported methods", () => {
    expect(exportedMethods('export { GET, PATCH as PUT } from "./x";')).toEqual(["GET", "PUT"]);
    expect(exportedMethods("export async function GET(request) {}\nexport const POST = x;")).toEqual(["GET", "POST"]);
  });
});

describe("the OpenAPI document", () => {
  const document = openApiDocument();

  it("has every operation with its method, summary, tag and security", () => {
    const paths: Record<string, object>[] = Object.values(document.paths);
    const count = paths.reduce((n, methods) => n + Object.keys(methods).length, 0);
    expect(count).toBe(API_OPERATIONS.length);
    const list = document.paths["/segments"].get;
    expect(list).toMatchObject({
      tags: ["Segments"],
      summary: expect.any(String),
      security: [{ apiKey: ["full"] }, { apiKeyBasic: [] }],
      "x-cairn-permission": "workspace:read",
    });
    expect(document.paths["/track"].post.security).toEqual([{ apiKey: ["write"] }, { apiKeyBasic: [] }]);
    expect(document.paths["/schema/journey"].get.security).toEqual([]);
  });

  it("describes path and query parameters from the route's schemas", () => {
    const members = document.paths["/segments/{id}/members"].get;
    expect(members.parameters).toEqual(
      expect.arrayContaining([
        { name: "id", in: "path", required: true, schema: { type: "string" } },
        expect.objectContaining({ name: "limit", in: "query", required: false }),
        expect.objectContaining({ name: "cursor", in: "query", required: false }),
      ]),
    );
    const status = queryParametersOf(journeysApi.list).find((p) => p.name === "status");
    expect(status?.schema.enum).toEqual(["DRAFT", "LIVE", "PAUSED", "ARCHIVED"]);
  });

  it("describes the JSON body with the schema the route parses it with, and the error shape", () => {
    const create = document.paths["/segments"].post;
    expect(create.requestBody.content["application/json"].schema).toMatchObject({
      type: "object",
      properties: { name: expect.any(Object) },
    });
    expect(segmentsApi.create.body).toBeDefined();
    expect(create.responses["201"]).toBeDefined();
    expect(create.responses["422"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Error" });
    expect(document.components.schemas.Error.properties.error.required).toEqual(["code", "message"]);
  });
});
