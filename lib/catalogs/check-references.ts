import { pgPool } from "../db/pool";
import { AppError, type FieldIssue } from "../errors";
import { liquidSources, type TemplateKind } from "../messaging/liquid";
import { catalogReferences } from "./liquid-tags";
import { selectCatalogsByKeys } from "./store/catalogs";

/**
 * A save's check (lib/messaging/templates/check-content.ts): every catalog a template names in a tag or in the
 * filter with a quoted key must exist in the workspace; otherwise a 422 names the field and the catalog. (A
 * missing *item* is normal, a catalog changes by upload; a missing catalog is a typo.)
 */
export async function assertCatalogsExist(workspaceId: string, kind: TemplateKind, content: unknown): Promise<void> {
  const byField = liquidSources(kind, content).map(({ field, source }) => ({ field, keys: catalogReferences(source) }));
  const keys = [...new Set(byField.flatMap((f) => f.keys))];
  if (!keys.length) return;
  const known = new Set((await selectCatalogsByKeys(pgPool(), workspaceId, keys)).map((c) => c.key));
  const fields: FieldIssue[] = [];
  for (const { field, keys: named } of byField) {
    const missing = named.filter((k) => !known.has(k));
    if (missing.length)
      fields.push({
        path: `content.${field}`,
        message: `uses the catalog ${missing.map((k) => `"${k}"`).join(", ")}, which does not exist in this workspace (create it under Catalogs)`,
      });
  }
  if (fields.length) throw AppError.validation(fields);
}
