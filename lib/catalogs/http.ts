import type { z } from "zod";
import type { WorkspaceContext } from "../auth/context";
import { AppError, parseInput } from "../errors";
import { readJson, readText } from "../http/handler";
import { uploadCatalog, type UploadResult } from "./manage-catalogs";
import { CATALOG_LIMITS, type ZUploadQuery, ZUploadJson } from "./schemas";

/**
 * POST …/catalogs/<key>/upload: the CSV itself as the body (text/csv) with ?mode=&dryRun=, or JSON
 * { mode, dryRun, items: [...] } / { mode, dryRun, csv }.
 */
export async function uploadFromRequest(
  ctx: WorkspaceContext,
  request: Request,
  key: string,
  query: z.output<typeof ZUploadQuery>,
): Promise<UploadResult> {
  if ((request.headers.get("content-type") ?? "").includes("application/json")) {
    const body = parseInput(ZUploadJson, await readJson(request, CATALOG_LIMITS.uploadBytes));
    return uploadCatalog(ctx, key, body.csv !== undefined ? { csv: body.csv } : { items: body.items! }, {
      mode: body.mode,
      dryRun: body.dryRun,
    });
  }
  const text = await readText(request, CATALOG_LIMITS.uploadBytes, "20 MB");
  if (!text.trim())
    throw new AppError(
      "validation",
      "The upload is empty: send the CSV (a header row with id, then one row per item).",
      {
        fields: [{ path: "csv", message: "is empty" }],
      },
    );
  return uploadCatalog(ctx, key, { csv: text }, { mode: query.mode, dryRun: query.dryRun });
}
