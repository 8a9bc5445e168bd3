/**
 * The small JSON path dialect of webhook mappings: dot-separated keys and array indexes, optionally
 * starting with "$." — "customer.id", "$.line_items.0.sku". Enough to point at a field of any
 * e-commerce or CRM webhook, and easy to read in Settings.
 */
export const JSON_PATH_PATTERN = /^(\$\.)?[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\-]+)*$/;

export function readJsonPath(document: unknown, path: string): unknown {
  let value: unknown = document;
  for (const part of path.replace(/^\$\./, "").split(".")) {
    if (value === null || value === undefined) return undefined;
    if (Array.isArray(value)) value = /^\d+$/.test(part) ? value[Number(part)] : undefined;
    else if (typeof value === "object") value = (value as Record<string, unknown>)[part];
    else return undefined;
  }
  return value;
}
