import { bodySchemaOf, pathParameterNames, queryParametersOf, scopeOf } from "./openapi";
import type { ApiOperation } from "./operation";
import { API_OPERATIONS } from "./operations";

/**
 * What the reference page (/docs/api) shows of each operation, derived from the same list and schemas as the
 * OpenAPI document: parameters, the body's fields, who may call it and an example curl.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON Schema objects are open-ended
type JsonSchema = Record<string, any>;

export interface ReferenceField {
  name: string;
  where: "path" | "query" | "body";
  type: string;
  required: boolean;
  description?: string;
}

export interface ReferenceOperation {
  id: string;
  method: string;
  path: string;
  summary: string;
  description?: string;
  access: string;
  fields: ReferenceField[];
  body: { contentType: string; description?: string } | null;
  curl: string;
}

/** A short type for a JSON Schema: `string`, `integer (1–200)`, `"replace" | "append"`, `object`. */
export function typeOf(schema: JsonSchema | undefined): string {
  if (!schema || Object.keys(schema).length === 0) return "any";
  if (schema.enum) return schema.enum.map((value: unknown) => JSON.stringify(value)).join(" | ");
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return [...new Set(alternatives.map((s: JsonSchema) => typeOf(s)))].join(" | ");
  if (schema.type === "array") return `${typeOf(schema.items)}[]`;
  const type = Array.isArray(schema.type) ? schema.type.join(" | ") : (schema.type ?? "any");
  const low = schema.minimum ?? schema.exclusiveMinimum ?? schema.minLength;
  const high = schema.maximum ?? schema.exclusiveMaximum ?? schema.maxLength;
  if (low !== undefined && high !== undefined) return `${type} (${low}–${high}${schema.maxLength ? " chars" : ""})`;
  if (schema.format) return `${type} (${schema.format})`;
  return type;
}

/** A value a client could send for a schema, for the curl example. */
export function exampleOf(schema: JsonSchema | undefined): unknown {
  if (!schema) return {};
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return exampleOf(alternatives[0]);
  switch (Array.isArray(schema.type) ? schema.type[0] : schema.type) {
    case "object": {
      const required: string[] = schema.required ?? [];
      const names = required.length ? required : Object.keys(schema.properties ?? {}).slice(0, 1);
      return Object.fromEntries(names.map((name) => [name, exampleOf(schema.properties?.[name])]));
    }
    case "array":
      return [];
    case "integer":
    case "number":
      return schema.minimum ?? 1;
    case "boolean":
      return true;
    case "string":
      return schema.format === "uuid" ? "00000000-0000-4000-8000-000000000000" : "text";
    default:
      return {};
  }
}

function accessOf(operation: ApiOperation): string {
  if (operation.security !== "key") return operation.access;
  const scope = scopeOf(operation);
  return `An API key with the ${scope} scope${scope === "write" ? " (or full)" : ""}.`;
}

function curlOf(operation: ApiOperation, baseUrl: string, fields: ReferenceField[]): string {
  const path = operation.path.replace(/\{([^}]+)\}/g, (_m, name: string) => `<${name}>`);
  const requiredQuery = fields.filter((f) => f.where === "query" && f.required).map((f) => `${f.name}=<${f.name}>`);
  const url = `${baseUrl}/api/v1${path}${requiredQuery.length ? `?${requiredQuery.join("&")}` : ""}`;
  const lines = [`curl -X ${operation.method} "${url}"`];
  if (operation.security !== "public") lines.push(`-H "Authorization: Bearer $CAIRN_API_KEY"`);
  const body = bodySchemaOf(operation);
  if (body) {
    lines.push(`-H "Content-Type: ${body.contentType}"`);
    const example =
      body.contentType === "application/json" || body.contentType === "text/plain"
        ? JSON.stringify(exampleOf(body.schema))
        : body.contentType === "text/csv"
          ? "userId\\nuser-1"
          : "name=value";
    lines.push(`--data '${example}'`);
  }
  return lines.join(" \\\n  ");
}

function referenceOf(operation: ApiOperation, baseUrl: string): ReferenceOperation {
  const body = bodySchemaOf(operation);
  const bodyRequired = new Set<string>(body?.schema?.required ?? []);
  const fields: ReferenceField[] = [
    ...pathParameterNames(operation.path).map((name) => ({
      name,
      where: "path" as const,
      type: "string",
      required: true,
    })),
    ...queryParametersOf(operation).map(({ name, required, description, schema }) => ({
      name,
      where: "query" as const,
      type: typeOf(schema),
      required,
      description,
    })),
    ...Object.entries<JsonSchema>(body?.schema?.properties ?? {}).map(([name, schema]) => ({
      name,
      where: "body" as const,
      type: typeOf(schema),
      required: bodyRequired.has(name),
      description: schema.description,
    })),
  ];
  return {
    id: `${operation.method.toLowerCase()}-${operation.path.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "")}`,
    method: operation.method,
    path: `/api/v1${operation.path}`,
    summary: operation.summary,
    description: operation.description,
    access: accessOf(operation),
    fields,
    body: body ? { contentType: body.contentType, description: body.description } : null,
    curl: curlOf(operation, baseUrl, fields),
  };
}

/** The operations grouped by tag, in the order the list gives them. */
export function apiReference(
  baseUrl: string,
  operations: ApiOperation[] = API_OPERATIONS,
): { tag: string; operations: ReferenceOperation[] }[] {
  const groups = new Map<string, ReferenceOperation[]>();
  for (const operation of operations) {
    const group = groups.get(operation.tag) ?? [];
    group.push(referenceOf(operation, baseUrl));
    groups.set(operation.tag, group);
  }
  return [...groups].map(([tag, list]) => ({ tag, operations: list }));
}
