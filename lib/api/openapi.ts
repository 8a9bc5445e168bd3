import { z } from "zod";
import type { AppErrorCode } from "../errors";
import { STATUS_BY_CODE } from "../errors";
import { API_OPERATIONS } from "./operations";
import type { ApiOperation } from "./operation";

/**
 * The OpenAPI 3.1 document of /api/v1, built from the operation list (lib/api/operations.ts) and the zod schemas the
 * routes parse with; zod's JSON Schema (2020-12) is OpenAPI 3.1's own dialect.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON Schema objects are open-ended
type JsonSchema = Record<string, any>;

/** The input side of a schema (what a client sends), with anything JSON Schema cannot say left open. */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const document: JsonSchema = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  delete document.$schema; // the dialect is the document's, stated once at its top
  return document;
}

/** `/segments/{id}` → ["id"]. */
export function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
}

/** The scope a key needs for a permission: ingestion takes a write key, everything else a full one. */
export function scopeOf(operation: ApiOperation): "write" | "full" | null {
  if (operation.security === "write-key") return "write";
  if (operation.security !== "key") return null;
  return operation.permission === "ingest" ? "write" : "full";
}

export interface QueryParameter {
  name: string;
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export function queryParametersOf(operation: ApiOperation): QueryParameter[] {
  if (!operation.query) return [];
  const schema = jsonSchemaOf(operation.query);
  const required = new Set<string>(schema.required ?? []);
  return Object.entries<JsonSchema>(schema.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    // a parameter with a default is never required of the client, whatever the output type says
    return { name, required: required.has(name) && rest.default === undefined, description, schema: rest };
  });
}

/** The JSON body's fields as the reference page lists them. */
export function bodySchemaOf(
  operation: ApiOperation,
): { contentType: string; schema?: JsonSchema; description?: string } | null {
  if (operation.body) return { contentType: "application/json", schema: jsonSchemaOf(operation.body) };
  if (operation.requestBody) {
    const { contentType, description, schema } = operation.requestBody;
    return { contentType, description, schema: schema ? jsonSchemaOf(schema) : undefined };
  }
  return null;
}

const ERROR_CODES = Object.keys(STATUS_BY_CODE) as AppErrorCode[];

const ERROR_SCHEMA: JsonSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", enum: [...ERROR_CODES, "internal"] },
        message: { type: "string" },
        fields: {
          type: "array",
          description: "The offending fields (validation and bad_request).",
          items: {
            type: "object",
            required: ["path", "message"],
            properties: {
              path: { type: "string", description: 'Dotted, e.g. "limit" or "batch.3.timestamp".' },
              message: { type: "string" },
            },
          },
        },
        id: { type: "string", description: "internal only: the reference in the server log" },
      },
    },
  },
};

function errorResponses(operation: ApiOperation): Record<string, JsonSchema> {
  const ref = { content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
  const responses: Record<string, JsonSchema> = {};
  const add = (status: number, description: string) => {
    responses[String(status)] = { description, ...ref };
  };
  if (operation.body || operation.requestBody) add(400, "Malformed body (invalid_json, bad_request)");
  if (operation.security === "key" || operation.security === "write-key") {
    add(401, "Missing, invalid or revoked API key");
    add(403, "The key's scope does not allow this");
  }
  if (pathParameterNames(operation.path).length) add(404, "Not found (or not in the key's workspace)");
  if (operation.body || operation.query) add(422, "Validation failed: `fields` names each offending field");
  add(500, "Unexpected server error, with a reference id");
  return responses;
}

function operationObject(operation: ApiOperation): JsonSchema {
  const scope = scopeOf(operation);
  const access =
    operation.security === "key"
      ? `Needs an API key with the ${scope} scope (permission \`${operation.permission}\`).`
      : operation.access;
  const parameters = [
    ...pathParameterNames(operation.path).map((name) => ({
      name,
      in: "path",
      required: true,
      schema: { type: "string" },
    })),
    ...queryParametersOf(operation).map(({ name, required, description, schema }) => ({
      name,
      in: "query",
      required,
      ...(description ? { description } : {}),
      schema,
    })),
  ];
  const body = bodySchemaOf(operation);
  const success = operation.status ?? 200;
  return {
    operationId: `${operation.method.toLowerCase()}${operation.path.replace(/[{}]/g, "").replace(/[/.](\w)/g, (_m, c: string) => c.toUpperCase())}`,
    tags: [operation.tag],
    summary: operation.summary,
    description: [operation.description, access].filter(Boolean).join("\n\n"),
    ...(parameters.length ? { parameters } : {}),
    ...(body
      ? {
          requestBody: {
            required: true,
            ...(body.description ? { description: body.description } : {}),
            content: { [body.contentType]: { schema: body.schema ?? {} } },
          },
        }
      : {}),
    responses: { [String(success)]: { description: "Success" }, ...errorResponses(operation) },
    security: operation.security === "public" ? [] : [{ apiKey: scope ? [scope] : [] }, { apiKeyBasic: [] }],
    ...(operation.security === "key" ? { "x-cairn-permission": operation.permission } : {}),
  };
}

export function openApiDocument(operations: ApiOperation[] = API_OPERATIONS): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const operation of operations) {
    paths[operation.path] ??= {};
    paths[operation.path][operation.method.toLowerCase()] = operationObject(operation);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Cairn API",
      version: "1",
      description:
        "Cairn's public API. Send an API key (Settings → API keys) as `Authorization: Bearer <key>` or as the HTTP " +
        "Basic username. A write key may only send events; a full key reads and changes journeys, segments and " +
        "templates. Every error answers `{ error: { code, message, fields? } }`.",
    },
    servers: [{ url: "/api/v1" }],
    tags: [...new Set(operations.map((operation) => operation.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: "An API key; scopes: write (ingestion) or full." },
        apiKeyBasic: { type: "http", scheme: "basic", description: "The API key as the username, no password." },
      },
      schemas: { Error: ERROR_SCHEMA },
    },
  };
}
