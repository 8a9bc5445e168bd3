import type { z } from "zod";
import type { Permission } from "../auth/permissions";
import type { WorkspaceAuth } from "../http/handler";

/**
 * One operation of the public API (/api/v1/**) as the OpenAPI document and the reference page show it. Routes that
 * run through `withWorkspace` pass their operation to it, so the permission and the schemas the document shows are
 * the ones the route enforces. lib/api/operations.test.ts fails when a method exported by a route file under
 * app/api/v1 has no operation here (or an operation has no route).
 */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS";

interface OperationDoc {
  method: HttpMethod;
  /** Under /api/v1, with `{name}` for a path segment, e.g. "/segments/{id}". */
  path: string;
  /** Groups operations in the document and on the reference page. */
  tag: string;
  summary: string;
  description?: string;
  /** The success status when it is not 200. */
  status?: number;
  /** A body the handler reads itself (CSV, form posts, provider payloads); `body` is for JSON parsed by the wrapper. */
  requestBody?: { contentType: string; description: string; schema?: z.ZodType };
}

/** Authenticated by an API key and run through `withWorkspace`: the key's scope must grant `permission`. */
export interface KeyOperation<Q extends z.ZodType | undefined = undefined, B extends z.ZodType | undefined = undefined>
  extends OperationDoc {
  security: "key";
  permission: Permission;
  auth: WorkspaceAuth;
  query?: Q;
  body?: B;
}

/**
 * Any other operation: ingestion (the write key in the header or the payload), links that carry their own token,
 * signed provider webhooks, public documents. `access` says in a sentence who may call it.
 */
export interface OtherOperation extends OperationDoc {
  security: "write-key" | "public";
  access: string;
  query?: z.ZodType;
  body?: z.ZodType;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a list holds operations of every query and body type
export type ApiOperation = KeyOperation<any, any> | OtherOperation;

export function keyOperation<Q extends z.ZodType | undefined = undefined, B extends z.ZodType | undefined = undefined>(
  operation: Omit<KeyOperation<Q, B>, "security" | "auth"> & { auth?: WorkspaceAuth },
): KeyOperation<Q, B> {
  return { ...operation, security: "key", auth: operation.auth ?? "key" };
}

export function otherOperation(operation: Omit<OtherOperation, "security"> & { security?: "write-key" | "public" }) {
  return { ...operation, security: operation.security ?? "public" } satisfies OtherOperation;
}
