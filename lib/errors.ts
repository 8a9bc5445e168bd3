import { z } from "zod";

/**
 * The one error type of Cairn's domain. Domain code throws it; the boundary (lib/http/handler.ts)
 * maps it to a status code and a JSON body. Anything that is not an AppError is a bug: it is logged
 * with an id and the client only sees that id.
 */
export type AppErrorCode =
  | "invalid_json"
  | "bad_request" // malformed payload with field problems (ingestion answers 400, as Segment does)
  | "validation"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "audience_changed" // a broadcast's audience moved since the person confirmed it (409)
  | "idempotency_conflict" // an idempotency key reused with a different request (409)
  | "rate_limited"
  | "payload_too_large"
  | "provider_error"; // a channel provider (SMTP server, SMS API) refused or failed a request made for the caller

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. "email" or "batch.3.timestamp". */
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly fields: FieldIssue[];
  readonly retryAfterSeconds?: number;

  constructor(
    code: AppErrorCode,
    message: string,
    options: { fields?: FieldIssue[]; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.fields = options.fields ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  static validation(fields: FieldIssue[], message?: string): AppError {
    return new AppError("validation", message ?? (summarize(fields) || "Invalid input"), { fields });
  }

  /** Field problems answered with 400 rather than 422 (the ingestion API, like Segment's). */
  static validationAsBadRequest(fields: FieldIssue[]): AppError {
    return new AppError("bad_request", `The payload is invalid: ${summarize(fields)}`, { fields });
  }

  static field(path: string, message: string): AppError {
    return AppError.validation([{ path, message }]);
  }
}

function summarize(fields: FieldIssue[]): string {
  return fields.map((f) => (f.path ? `${f.path}: ${f.message}` : f.message)).join("; ");
}

export const STATUS_BY_CODE: Record<AppErrorCode, number> = {
  invalid_json: 400,
  bad_request: 400,
  validation: 422,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  audience_changed: 409,
  idempotency_conflict: 409,
  rate_limited: 429,
  payload_too_large: 413,
  provider_error: 502,
};

export function zodIssuesToFields(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message,
  }));
}

/** Parses `input` with `schema`, throwing a validation AppError that names every offending field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw AppError.validation(zodIssuesToFields(result.error));
  return result.data;
}
