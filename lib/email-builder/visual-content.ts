import { AppError, zodIssuesToFields } from "../errors";
import { compileDocument } from "./compile";
import { ZEmailEditor } from "./document";

/**
 * The save-time hook for visual emails: when an email's content carries `editor: { kind: "visual", document }`,
 * its `html` is compiled from the document here, on the server, so every send path keeps reading `html` and never
 * needs to know the email was built visually. A client's own `html` for a visual email is ignored: the document
 * is the source. Content without an editor (code emails, other channels) passes through unchanged.
 */
export async function withCompiledHtml(channel: string, content: unknown): Promise<unknown> {
  if (channel !== "email" || content == null || typeof content !== "object") return content;
  const editor = (content as { editor?: unknown }).editor;
  if (editor === undefined) return content;
  // a layout may wrap a visual email too: its compiled document's body goes into the layout's slot and its head
  // styles into the layout's head (lib/messaging/layout-wrap.ts), so documents never nest
  const parsed = ZEmailEditor.safeParse(editor);
  if (!parsed.success)
    throw AppError.validation(
      zodIssuesToFields(parsed.error).map((f) => ({
        ...f,
        path: f.path ? `content.editor.${f.path}` : "content.editor",
      })),
    );
  const html = await compileDocument(parsed.data.document);
  return { ...(content as Record<string, unknown>), html, editor: parsed.data };
}

/** Whether stored content was made in the visual editor. */
export function isVisualEmail(content: unknown): boolean {
  return (
    content != null &&
    typeof content === "object" &&
    (content as { editor?: { kind?: unknown } }).editor?.kind === "visual"
  );
}
