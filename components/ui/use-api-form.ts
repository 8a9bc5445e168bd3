"use client";

import { useState } from "react";
import type { ApiResult } from "../api/client";

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
