import { requirePermission, type WorkspaceContext } from "../auth/context";
import { pgPool } from "../db/pool";
import { getProfile } from "../profiles/profiles";
import type { SegmentKind } from "./segment-schemas";
import { selectProfileMemberships } from "./store/memberships";

export interface ProfileSegment {
  segmentId: string;
  name: string;
  kind: SegmentKind;
  enteredAt: string;
}

/** The segments a person (profile id, userId or anonymousId) is in now, with when they entered. */
export async function listProfileSegments(ctx: WorkspaceContext, idOrUserId: string): Promise<ProfileSegment[]> {
  requirePermission(ctx, "workspace:read");
  const profile = await getProfile(ctx, idOrUserId);
  const rows = await selectProfileMemberships(pgPool(), profile.id, ctx.workspace.id);
  return rows.map((r) => ({ ...r, enteredAt: r.enteredAt.toISOString() }));
}
