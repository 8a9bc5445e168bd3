import { compileForEditor, ZCompileDocument } from "@/lib/email-builder/compile-for-editor";
import { withWorkspace } from "@/lib/http/handler";

/** The visual editor's live compile: { document } → { html } of the unsaved document, nothing stored. */
export const POST = withWorkspace(
  { permission: "workspace:read", auth: "session", body: ZCompileDocument },
  (ctx, { body }) => compileForEditor(ctx, body),
);
