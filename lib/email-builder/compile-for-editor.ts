import { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { AppError, zodIssuesToFields } from "../errors";
import { SlidingWindowLimiter } from "../messaging/preview-rate-limit";
import { type Clock, systemClock } from "../runtime/clock";
import { compileDocument } from "./compile";
import { ZEmailDocument } from "./document";

/**
 * The visual editor's live compile: the HTML of an unsaved document, which the editor then previews through the
 * ordinary template preview (a real profile, the workspace's partials and layout) like any code email. Nothing is
 * stored; the save compiles again from the document, so this HTML is never trusted as the email.
 */

export const ZCompileDocument = z.object({ document: z.unknown() }).strict();

/**
 * Compiles per workspace per minute (CAIRN_COMPILE_RATE_LIMIT, default 120): one per pause in editing, like
 * previews, but counted apart so a compile and the preview it feeds do not share one allowance.
 */
function compileLimit(): number {
  const configured = Number(process.env.CAIRN_COMPILE_RATE_LIMIT);
  return Number.isInteger(configured) && configured > 0 ? configured : 120;
}
const globalLimiter = globalThis as typeof globalThis & { __cairnCompileLimiter?: SlidingWindowLimiter };
const compileLimiter = () => (globalLimiter.__cairnCompileLimiter ??= new SlidingWindowLimiter(compileLimit(), 60_000));

export async function compileForEditor(
  ctx: WorkspaceContext,
  input: z.input<typeof ZCompileDocument>,
  clock: Clock = systemClock,
): Promise<{ html: string }> {
  requirePermission(ctx, "workspace:read");
  const parsed = ZEmailDocument.safeParse(ZCompileDocument.parse(input).document);
  if (!parsed.success)
    throw AppError.validation(
      zodIssuesToFields(parsed.error).map((f) => ({
        ...f,
        path: f.path ? `content.editor.document.${f.path}` : "content.editor.document",
      })),
    );
  compileLimiter().take(ctx.workspace.id, clock(), "compiles of the visual editor");
  return { html: await compileDocument(parsed.data) };
}
