import { z } from "zod";
import type { WorkspaceContext } from "../auth/context";
import { db, type Prisma } from "../db/client";
import { AppError } from "../errors";

export type SegmentRow = Prisma.SegmentGetPayload<object>;

/** The workspace's segment with this id (archived ones too), or a 404 (an id that is not a uuid included). */
export async function findSegment(ctx: WorkspaceContext, id: string): Promise<SegmentRow> {
  const notFound = () => new AppError("not_found", "No such segment in this workspace.");
  if (!z.uuid().safeParse(id).success) throw notFound();
  const segment = await db().segment.findFirst({ where: { id, workspaceId: ctx.workspace.id } });
  if (!segment) throw notFound();
  return segment;
}
