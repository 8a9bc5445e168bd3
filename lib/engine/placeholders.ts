import { valueAt } from "./rules";

/**
 * `{{ profile.traits.plan }}`-style placeholders for webhook bodies: each is replaced by the value at that
 * path (objects as JSON, missing values as an empty string). Full Liquid, with filters and partials, is
 * the messaging templates' job; a webhook body needs only the values.
 */
export function renderPlaceholders(template: string, scope: Record<string, unknown>): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_.$-]+)\s*\}\}/g, (_, path: string) => {
    const value = valueAt(scope, path);
    if (value === undefined || value === null) return "";
    return typeof value === "object" ? JSON.stringify(value) : String(value);
  });
}
