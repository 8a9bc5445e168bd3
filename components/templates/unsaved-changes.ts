"use client";

import { useEffect } from "react";

export const UNSAVED_CHANGES_MESSAGE = "This template has unsaved changes. Leave without saving them?";

/**
 * While `dirty`, leaving the page asks first: closing or reloading the tab through the browser's own
 * beforeunload prompt (as the canvas does), and following an in-app link through a confirm, because a Next.js
 * <Link> navigates without unloading the page, so beforeunload never fires for it. The click is caught on the
 * document in the capture phase, before the Link's own handler; cancelling stops it there. Links that open
 * elsewhere (new tab, modifier keys, download, another origin) are left alone: the page stays or unloads.
 */
export function useUnsavedChangesGuard(dirty: boolean, message: string = UNSAVED_CHANGES_MESSAGE): void {
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    const onClick = (e: MouseEvent) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const link = e.target instanceof Element ? e.target.closest<HTMLAnchorElement>("a[href]") : null;
      if (!link || (link.target && link.target !== "_self") || link.hasAttribute("download")) return;
      const to = new URL(link.href, window.location.href);
      if (to.origin !== window.location.origin) return;
      if (to.pathname === window.location.pathname && to.search === window.location.search) return;
      if (!window.confirm(message)) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    window.addEventListener("beforeunload", warn);
    document.addEventListener("click", onClick, true);
    return () => {
      window.removeEventListener("beforeunload", warn);
      document.removeEventListener("click", onClick, true);
    };
  }, [dirty, message]);
}
