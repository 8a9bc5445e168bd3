import { requirePermission, type WorkspaceContext } from "../auth/context";
import { pgPool } from "../db/pool";
import { selectTraitCatalog } from "./store/traits";

/**
 * The trait catalog as the segment builder reads it: every trait key seen in the workspace's identify calls
 * (and one level into objects, "address.city"), with the JSON types it was seen with ("date" for strings that
 * read as dates). The rollup keeps it (lib/ingest/rollup.ts, ProfileTrait), off the ingestion path, so a trait
 * appears shortly after its first identify.
 */
export interface TraitCatalogEntry {
  name: string;
  /** sorted; a key seen with several types (a number here, a string there) lists each */
  types: string[];
}

/** The catalog cap: a builder needs names to suggest, not every key a client ever invented. */
const MAX_TRAITS = 1_000;

export async function listTraitCatalog(ctx: WorkspaceContext): Promise<TraitCatalogEntry[]> {
  requirePermission(ctx, "workspace:read");
  return selectTraitCatalog(pgPool(), ctx.workspace.id, MAX_TRAITS);
}
