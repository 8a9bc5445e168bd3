import { z } from "zod";
import { actorLabel, requirePermission, type WorkspaceContext } from "../auth/context";
import { recordAudit } from "../audit/audit-log";
import { db } from "../db/client";
import { pgPool, withTransaction } from "../db/pool";
import { AppError, parseInput } from "../errors";
import { announceChanges } from "./announce-changes";
import { findSegment } from "./find-segment";
import { evaluateFor, type MembershipChange, rangesOf } from "./membership";
import { ZUploadMode } from "./segment-schemas";
import { isoDay } from "./segment-views";
import { writeManualMembers } from "./store/memberships";
import { selectPeopleByUserId } from "./store/profiles";
import { selectDependentSegmentIds } from "./store/references";
import { lockSegments } from "./store/segments";

/** A manual segment's members: a CSV of user ids (or a list), replacing the members or added to them. */

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
const HEADER_CELLS = new Set(["userid", "user_id", "user id", "id", "external_id", "externalid"]);

export interface UploadResult {
  mode: "replace" | "append";
  /** distinct user ids in the file */
  userIds: number;
  matched: number;
  unknown: number;
  /** the first 100 user ids no profile has */
  unknownIds: string[];
  entered: number;
  exited: number;
  memberCount: number;
}

/** The first column of each row (quoted or not); a header row naming a user-id column is skipped. */
export function parseUserIdCsv(csv: string): string[] {
  const ids: string[] = [];
  const lines = csv.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((line, i) => {
    let cell: string;
    const trimmed = line.trimStart();
    if (trimmed.startsWith('"')) {
      let value = "";
      let j = 1;
      for (; j < trimmed.length; j++) {
        if (trimmed[j] === '"') {
          if (trimmed[j + 1] === '"') {
            value += '"';
            j++;
          } else break;
        } else value += trimmed[j];
      }
      cell = value;
    } else cell = trimmed.split(/[,;\t]/)[0];
    cell = cell.trim();
    if (!cell) return;
    if (i === 0 && HEADER_CELLS.has(cell.toLowerCase())) return;
    ids.push(cell);
  });
  return [...new Set(ids)];
}

/** A manual segment's members from user ids: `csv` (parsed by parseUserIdCsv) or a list. */
export async function uploadMembers(
  ctx: WorkspaceContext,
  id: string,
  modeInput: unknown,
  source: { csv: string } | { userIds: string[] },
  now = new Date(),
): Promise<UploadResult> {
  requirePermission(ctx, "content:write");
  const segment = await findSegment(ctx, id);
  if (segment.archivedAt) throw new AppError("conflict", "This segment is archived.");
  if (segment.kind !== "manual")
    throw new AppError(
      "conflict",
      "Only a manual segment takes a list of members; a dynamic segment follows its definition.",
    );
  const mode = parseInput(z.object({ mode: ZUploadMode }), { mode: modeInput ?? undefined }).mode;
  const userIds =
    "csv" in source ? parseUserIdCsv(source.csv) : [...new Set(source.userIds.map((u) => u.trim()).filter(Boolean))];
  if (userIds.some((u) => u.length > 255)) throw AppError.field("csv", "a user id has at most 255 characters");
  const workspaceId = ctx.workspace.id;
  const found = await selectPeopleByUserId(pgPool(), workspaceId, userIds);
  const known = new Set(found.map((f) => f.userId));
  const unknownIds = userIds.filter((u) => !known.has(u));
  const profileIds = [...new Set(found.map((f) => f.profileId))];
  const result = await withTransaction(async (client) => {
    await lockSegments(client, [id]);
    const written = await writeManualMembers(client, {
      segmentId: id,
      workspaceId,
      profileIds,
      now,
      replace: mode === "replace",
      day: isoDay(now),
      label: actorLabel(ctx.actor),
    });
    const changes: MembershipChange[] = written.changes.map((c) => ({
      ...c,
      workspaceId,
      segmentId: id,
      at: now.toISOString(),
    }));
    return { changes, memberCount: written.memberCount ?? segment.memberCount };
  });
  // Dynamic segments that read this list, for the people who came and went.
  const moved = new Set(result.changes.map((c) => c.profileId));
  const dependents = moved.size
    ? await withTransaction((client) => selectDependentSegmentIds(client, workspaceId, id))
    : [];
  const followUp = dependents.length
    ? await evaluateFor(workspaceId, new Map(dependents.map((d) => [d, moved])), now)
    : [];
  await announceChanges(rangesOf([...result.changes, ...followUp]));
  const entered = result.changes.filter((c) => c.kind === "entered").length;
  const exited = result.changes.length - entered;
  await db().$transaction((tx) =>
    recordAudit(tx, {
      workspaceId,
      actor: ctx.actor,
      action: "segment.uploaded",
      targetType: "segment",
      targetId: id,
      summary: `${mode === "replace" ? "Replaced" : "Added to"} the members of "${segment.name}" from a CSV: ${entered} entered, ${exited} left, ${unknownIds.length} unknown user ids`,
      metadata: { mode, userIds: userIds.length, entered, exited, unknown: unknownIds.length },
    }),
  );
  return {
    mode,
    userIds: userIds.length,
    matched: found.length,
    unknown: unknownIds.length,
    unknownIds: unknownIds.slice(0, 100),
    entered,
    exited,
    memberCount: result.memberCount,
  };
}
