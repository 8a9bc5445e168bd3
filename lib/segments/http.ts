import { z } from "zod";
import type { WorkspaceContext } from "../auth/context";
import { readJson, readText } from "../http/handler";
import type { ZMemberUploadQuery, ZSegmentListQuery } from "../api/queries";
import { AppError, parseInput } from "../errors";
import { listProfileSegments } from "./list-profile-segments";
import { listSegments } from "./list-segments";
import { MAX_UPLOAD_BYTES, uploadMembers, type UploadResult } from "./upload-members";

/**
 * What the segment routes (app/api/v1/segments/**, also served at /api/workspaces/[slug]/segments/**) do beyond one
 * domain call: the list that is a person's memberships with ?profileId=, and the upload body (CSV or JSON).
 */

/** GET …/segments: the list (?q=, ?archived=true), or with ?profileId= the segments that person is in now. */
export async function listFromQuery(ctx: WorkspaceContext, query: z.output<typeof ZSegmentListQuery>) {
  if (query.profileId) return { memberships: await listProfileSegments(ctx, query.profileId) };
  return { segments: await listSegments(ctx, { q: query.q, archived: query.archived }) };
}

const ZUploadJson = z
  .object({
    mode: z.string().optional(),
    csv: z.string().optional(),
    userIds: z.array(z.string()).max(1_000_000).optional(),
  })
  .strict()
  .refine((b) => (b.csv === undefined) !== (b.userIds === undefined), {
    message: "send either csv (the file's text) or userIds (a list)",
    path: ["csv"],
  });

/**
 * POST …/segments/<id>/members: a manual segment's members from a list of user ids. Either the CSV itself as
 * the body (text/csv; the first column of each row, a header row is skipped) with ?mode=replace|append, or
 * JSON { mode, csv } / { mode, userIds: [...] }. The mode must be said: replace makes the list the members,
 * append adds to them.
 */
export async function uploadFromRequest(
  ctx: WorkspaceContext,
  request: Request,
  id: string,
  query: z.output<typeof ZMemberUploadQuery>,
): Promise<UploadResult> {
  const queryMode = query.mode ?? null;
  if ((request.headers.get("content-type") ?? "").includes("application/json")) {
    const body = parseInput(ZUploadJson, await readJson(request, MAX_UPLOAD_BYTES));
    return uploadMembers(
      ctx,
      id,
      body.mode ?? queryMode,
      body.csv !== undefined ? { csv: body.csv } : { userIds: body.userIds! },
    );
  }
  const text = await readText(request, MAX_UPLOAD_BYTES, "10 MB");
  if (!text.trim())
    throw new AppError("validation", "The upload is empty: send the CSV of user ids as the request body.", {
      fields: [{ path: "csv", message: "is empty" }],
    });
  return uploadMembers(ctx, id, queryMode, { csv: text });
}
