"use client";

import { useState } from "react";
import { type ApiResult, sendRequest } from "../api/request";

export interface ApiFailure {
  status: number;
  message: string;
  fields: Record<string, string>;
}

/**
 * The untyped call the journey canvas still makes with its own URLs (components/canvas moves to `api.*` from
 * components/api/client.ts; remove this then). Same request and error reading as the typed client.
 */
export async function callApi<T>(
  method: string,
  url: string,
  body?: unknown,
): Promise<{ ok: true; data: T } | { ok: false; failure: ApiFailure }> {
  const result = await sendRequest<T>(method, url, { body });
  if (result.ok) return result;
  const { status, message, fields } = result.error;
  return { ok: false, failure: { status, message, fields } };
}

/**
 * A form's state around one API call: `await form.submit(api.segments.create(slug, body))` answers the data, or
 * null after putting the error where the form shows it.
 */
export function useApiForm() {
  const [pending, setPending] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  async function submit<T>(call: Promise<ApiResult<T>>): Promise<T | null> {
    setPending(true);
    setFormError(null);
    setFieldErrors({});
    const result = await call;
    setPending(false);
    if (result.ok) return result.data;
    setFieldErrors(result.error.fields);
    // Field problems are shown beside their fields; the banner only carries what no field shows.
    setFormError(result.error.hasFields ? null : result.error.message);
    return null;
  }

  return { pending, formError, fieldErrors, submit, setFormError };
}
