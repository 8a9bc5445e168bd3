"use client";

import { Monitor, Moon, Smartphone } from "lucide-react";
import type { ReactNode } from "react";

/**
 * How the email preview is shown: desktop (a 640 px wide frame, scrolled sideways in a narrow pane, so MJML's
 * columns sit side by side) or mobile (375 px: columns stack), light or dark. Dark shows what a mail app in dark
 * mode applies: the email's own `prefers-color-scheme: dark` styles, switched on (an email without any looks the same).
 */
export type PreviewDevice = "desktop" | "mobile";
export const DEVICE_WIDTH: Record<PreviewDevice, number> = { desktop: 640, mobile: 375 };

/** `html` as a dark-mode mail app shows it: its dark-scheme media queries always apply. */
export function forceDarkScheme(html: string): string {
  return html
    .replace(/\(\s*prefers-color-scheme\s*:\s*dark\s*\)/gi, "(min-width: 0px)")
    .replace(/<head([^>]*)>/i, (head) => `${head}<meta name="color-scheme" content="dark" />`);
}

export function PreviewModeControls({
  device,
  dark,
  onDevice,
  onDark,
}: {
  device: PreviewDevice;
  dark: boolean;
  onDevice: (device: PreviewDevice) => void;
  onDark: (dark: boolean) => void;
}) {
  const tab = (active: boolean) =>
    `inline-flex items-center gap-1 rounded px-2 py-1 text-xs font-medium ${active ? "bg-stone-900 text-white" : "text-stone-600 hover:bg-stone-100"}`;
  return (
    <div className="flex items-center gap-1" role="group" aria-label="Preview as">
      <button
        type="button"
        className={tab(device === "desktop")}
        aria-pressed={device === "desktop"}
        onClick={() => onDevice("desktop")}
      >
        <Monitor className="h-3.5 w-3.5" aria-hidden="true" /> Desktop
      </button>
      <button
        type="button"
        className={tab(device === "mobile")}
        aria-pressed={device === "mobile"}
        onClick={() => onDevice("mobile")}
      >
        <Smartphone className="h-3.5 w-3.5" aria-hidden="true" /> Mobile
      </button>
      <button type="button" className={tab(dark)} aria-pressed={dark} onClick={() => onDark(!dark)}>
        <Moon className="h-3.5 w-3.5" aria-hidden="true" /> Dark
      </button>
    </div>
  );
}

/** The preview at the chosen width: wider than the pane scrolls sideways rather than squeezing the email. */
export function PreviewFrame({ device, children }: { device: PreviewDevice; children: ReactNode }) {
  return (
    <div className="overflow-x-auto" data-testid="preview-frame" data-device={device}>
      <div style={{ width: DEVICE_WIDTH[device], maxWidth: "none" }} className={device === "mobile" ? "mx-auto" : ""}>
        {children}
      </div>
    </div>
  );
}
