import { hashPassword } from "../auth/password";
import { ZCreateOwner, type TCreateOwner } from "../auth/schemas";
import { recordAudit } from "../audit/audit-log";
import { db } from "../db/client";
import { AppError, parseInput } from "../errors";
import { uniqueSlug } from "./slug";
import { prismaQueryable } from "../db/sql";
import { lockFirstRunSetup } from "./store/workspace-locks";

export async function isSetUp(): Promise<boolean> {
  return (await db().user.count()) > 0;
}

/**
 * First run: creates the owner account and the first workspace. Only possible while Cairn has no
 * users at all; afterwards people join by invitation.
 */
export async function createOwnerAccount(input: TCreateOwner): Promise<{ userId: string; workspaceSlug: string }> {
  const data = parseInput(ZCreateOwner, input);
  const passwordHash = await hashPassword(data.password);
  return db().$transaction(async (tx) => {
    await lockFirstRunSetup(prismaQueryable(tx));
    if ((await tx.user.count()) > 0) {
      throw new AppError(
        "conflict",
        "Cairn is already set up. Sign in, or ask an admin of your workspace for an invitation.",
      );
    }
    const user = await tx.user.create({
      data: { email: data.email, name: data.name, passwordHash },
      select: { id: true },
    });
    const workspace = await tx.workspace.create({
      data: { name: data.workspaceName, slug: uniqueSlug(data.workspaceName) },
    });
    await tx.membership.create({ data: { workspaceId: workspace.id, userId: user.id, role: "OWNER" } });
    await recordAudit(tx, {
      workspaceId: workspace.id,
      actor: { kind: "user", userId: user.id, email: data.email },
      action: "workspace.created",
      targetType: "workspace",
      targetId: workspace.id,
      summary: `Created the workspace "${workspace.name}" and its owner account ${data.email}`,
    });
    return { userId: user.id, workspaceSlug: workspace.slug };
  });
}
