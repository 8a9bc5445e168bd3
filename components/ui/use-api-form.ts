"use client";

import { useState } from "react";

export interface ApiFailure {
  status: number;
  message: string;
  fields: Record<string, string>;
}

/**
 * Calls one of Cairn's JSON endpoints and turns its error shape ({ error: { message, fields } }) into a
 * form-level message and per-field messages.
 */
export async function callApi<T>(
  method: string,
  url: string,
  body?: unknown,
): Promise<{ ok: true; data: T } | { ok: false; failure: ApiFailure }> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: body === undefined ? undefined : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return {
      ok: false,
      failure: { status: 0, message: "Cannot reach Cairn. Check your connection and try again.", fields: {} },
    };
  }
  const payload = await response.json().catch(() => null);
  if (response.ok) return { ok: true, data: payload as T };
  const error = payload?.error;
  const fields: Record<string, string> = {};
  for (const field of error?.fields ?? []) fields[field.path] ??= field.message;
  return {
    ok: false,
    failure: { status: response.status, message: error?.message ?? `The server answered ${response.status}.`, fields },
  };
}

export function useApiForm() {
  const [pending, setPending] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  async function submit<T>(method: string, url: string, body?: unknown): Promise<T | null> {
    setPending(true);
    setFormError(null);
    setFieldErrors({});
    const result = await callApi<T>(method, url, body);
    setPending(false);
    if (result.ok) return result.data;
    setFieldErrors(result.failure.fields);
    // Field problems are shown beside their fields; the banner only carries what no field shows.
    setFormError(Object.keys(result.failure.fields).length ? null : result.failure.message);
    return null;
  }

  return { pending, formError, fieldErrors, submit, setFormError };
}
