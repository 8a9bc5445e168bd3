import { z } from "zod";
import type { WorkspaceContext } from "../auth/context";
import { readJson, readText } from "../http/handler";
import { AppError, parseInput } from "../errors";
import { listProfileSegments, listSegments, MAX_UPLOAD_BYTES, uploadMembers, type UploadResult } from "./segments";

/**
 * What the session routes (app/api/workspaces/[slug]/segments/**) and the full-key routes
 * (app/api/v1/segments/**) share beyond the domain calls: reading query strings and the upload body.
 */

/** GET …/segments: the list (?q=, ?archived=true), or with ?profileId= the segments that person is in now. */
export async function listFromQuery(ctx: WorkspaceContext, request: Request) {
  const params = new URL(request.url).searchParams;
  const profileId = params.get("profileId");
  if (profileId) return { memberships: await listProfileSegments(ctx, profileId) };
  return {
    segments: await listSegments(ctx, { q: params.get("q") ?? undefined, archived: params.get("archived") === "true" }),
  };
}

export function queryOf(request: Request): Record<string, string> {
  return Object.fromEntries(new URL(request.url).searchParams);
}

export function daysOf(request: Request): { days?: number } {
  const raw = new URL(request.url).searchParams.get("days");
  if (raw === null) return {};
  return parseInput(
    z.object({
      days: z.coerce
        .number({ error: "must be a number" })
        .int("must be a whole number")
        .min(1, "must be at least 1")
        .max(365, "must be at most 365"),
    }),
    { days: raw },
  );
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
export async function uploadFromRequest(ctx: WorkspaceContext, request: Request, id: string): Promise<UploadResult> {
  const queryMode = new URL(request.url).searchParams.get("mode");
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
