"use client";

import { useSearchParams } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { path, sender } from "../api/request";
import { type EmailDocument, starterDocument } from "./model";

const send = sender("");

/** The server's HTML for an unsaved document (nothing stored; the save compiles again). */
export function compileDocument(slug: string, document: EmailDocument, signal?: AbortSignal) {
  return send<{ html: string }>("POST", path`/workspaces/${slug}/templates/compile`, { body: { document }, signal });
}

/** The workspace's saved partials, for the partial block's list. */
export function listPartials(slug: string) {
  return send<{ templates: { name: string; currentVersion: number; archived: boolean }[] }>(
    "GET",
    path`/workspaces/${slug}/templates`,
    { query: { channel: "partial" } },
  );
}

const HISTORY = 100;

export interface VisualEmail {
  /** whether this email is edited visually (otherwise it is code and the editor shows its HTML field) */
  active: boolean;
  document: EmailDocument | null;
  /** a change the undo button can take back */
  change: (next: EmailDocument) => void;
  undo: () => void;
  redo: () => void;
  canUndo: boolean;
  canRedo: boolean;
  /** the compiled HTML of the current document ("" until the first compile answers) */
  html: string;
  /** the compile's problems by field path (content.editor.document.blocks.3.href → message) */
  errors: Record<string, string>;
  compileError: string | null;
  dirty: boolean;
  /** `content` as the server takes it: the editor's document beside the compiled html */
  withEditor: (content: Record<string, unknown>) => Record<string, unknown>;
  markSaved: () => void;
  /** leaves the visual editor for good: returns the compiled HTML, which becomes the code */
  switchToCode: () => string;
}

/**
 * The visual state of an email template: its document with undo/redo, and its HTML compiled by the server 300 ms
 * after the last change (the template preview then renders that HTML for the chosen profile). A template is
 * visual when its content carries `editor.kind === "visual"`, or when it was just created as Visual
 * (`?editor=visual`, no version yet); a code template stays code.
 */
export function useVisualEmail(slug: string, channel: string, initialContent: unknown, unsaved: boolean): VisualEmail {
  const startVisual = useSearchParams().get("editor") === "visual";
  const [initial] = useState<EmailDocument | null>(() => {
    if (channel !== "email") return null;
    const editor = (initialContent as { editor?: { kind?: string; document?: EmailDocument } } | null)?.editor;
    if (editor?.kind === "visual" && editor.document) return editor.document;
    return startVisual && unsaved ? starterDocument() : null;
  });
  const [history, setHistory] = useState<{
    past: EmailDocument[];
    present: EmailDocument | null;
    future: EmailDocument[];
  }>({ past: [], present: initial, future: [] });
  const [savedKey, setSavedKey] = useState(() => (unsaved ? "" : JSON.stringify(initial)));
  const [html, setHtml] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [compileError, setCompileError] = useState<string | null>(null);
  const document = history.present;
  const key = JSON.stringify(document);

  const abort = useRef<AbortController | null>(null);
  useEffect(() => {
    if (!document) return;
    const timer = setTimeout(async () => {
      abort.current?.abort();
      const controller = new AbortController();
      abort.current = controller;
      const result = await compileDocument(slug, JSON.parse(key) as EmailDocument, controller.signal);
      if (controller.signal.aborted) return;
      if (result.ok) {
        setHtml(result.data.html);
        setErrors({});
        setCompileError(null);
      } else {
        setErrors(result.error.fields);
        setCompileError(result.error.hasFields ? null : result.error.message);
      }
    }, 300);
    return () => clearTimeout(timer);
    // the key stands for the document
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [slug, key]);

  const change = useCallback((next: EmailDocument) => {
    setHistory((h) => ({
      past: h.present ? [...h.past, h.present].slice(-HISTORY) : h.past,
      present: next,
      future: [],
    }));
  }, []);
  const undo = useCallback(() => {
    setHistory((h) =>
      h.past.length && h.present
        ? { past: h.past.slice(0, -1), present: h.past[h.past.length - 1], future: [h.present, ...h.future] }
        : h,
    );
  }, []);
  const redo = useCallback(() => {
    setHistory((h) =>
      h.future.length && h.present
        ? { past: [...h.past, h.present], present: h.future[0], future: h.future.slice(1) }
        : h,
    );
  }, []);

  return {
    active: document !== null,
    document,
    change,
    undo,
    redo,
    canUndo: history.past.length > 0,
    canRedo: history.future.length > 0,
    html,
    errors,
    compileError,
    dirty: document !== null && key !== savedKey,
    withEditor: (content) =>
      document ? { ...content, html: html || content.html || "", editor: { kind: "visual", document } } : content,
    markSaved: () => setSavedKey(key),
    switchToCode: () => {
      setHistory({ past: [], present: null, future: [] });
      return html;
    },
  };
}
