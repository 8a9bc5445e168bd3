import { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { pgPool } from "../db/pool";
import { AppError, parseInput } from "../errors";
import { findSegment } from "./find-segment";
import { ZMembersQuery } from "./segment-schemas";
import { selectMembersPage } from "./store/memberships";

export interface SegmentMember {
  profileId: string;
  userId: string | null;
  email: string | null;
  enteredAt: string;
}

/** Members, most recent entries first; `q` matches the start of a user id or email, or a profile id. */
export async function listMembers(
  ctx: WorkspaceContext,
  id: string,
  query: z.input<typeof ZMembersQuery> = {},
): Promise<{ members: SegmentMember[]; nextCursor: string | null; total: number }> {
  requirePermission(ctx, "workspace:read");
  const s = await findSegment(ctx, id);
  const { q, limit, cursor } = parseInput(ZMembersQuery, query);
  let after: { at: Date; id: string } | null = null;
  if (cursor) {
    const [at, profileId] = cursor.split("_");
    if (!at || !profileId || Number.isNaN(Date.parse(at)) || !z.uuid().safeParse(profileId).success)
      throw AppError.field("cursor", "is not a cursor this API gave out");
    after = { at: new Date(at), id: profileId };
  }
  // one row more than the page: whether there is a next one
  const rows = await selectMembersPage(pgPool(), s.id, {
    limit: limit + 1,
    after,
    search: q,
    searchIsUuid: !!q && z.uuid().safeParse(q).success,
  });
  const members = rows.slice(0, limit).map((r) => ({ ...r, enteredAt: r.enteredAt.toISOString() }));
  const last = members[members.length - 1];
  return {
    members,
    nextCursor: rows.length > limit && last ? `${last.enteredAt}_${last.profileId}` : null,
    total: s.memberCount,
  };
}
