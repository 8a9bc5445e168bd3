"use client";

import { useState } from "react";
import type { OutboxMail } from "@/lib/messaging/outbox";

const TABS = ["HTML", "Text", "Headers", "Raw"] as const;

/** Where a link in the mail leads: a click-tracking redirect is shown with its destination. */
function linksOf(html: string): { href: string; label: string; destination: string }[] {
  const links: { href: string; label: string; destination: string }[] = [];
  for (const match of html.matchAll(/<a\b[^>]*?\shref\s*=\s*(["'])(.*?)\1[^>]*>([\s\S]*?)<\/a>/gi)) {
    const href = match[2].replace(/&amp;/g, "&");
    let destination = href;
    try {
      const url = new URL(href);
      if (url.pathname.startsWith("/t/c/")) destination = url.searchParams.get("u") ?? href;
    } catch {
      // not an absolute URL: show it as it is
    }
    links.push({ href, label: match[3].replace(/<[^>]+>/g, "").trim() || destination, destination });
  }
  return links;
}

/**
 * A mail as received by the embedded SMTP server. The open pixel is not loaded here (looking at the Outbox
 * is not the recipient opening the mail); links are listed with where they lead, and can be followed.
 */
export function OutboxMailView({ mail }: { mail: OutboxMail }) {
  const [tab, setTab] = useState<(typeof TABS)[number]>(mail.html ? "HTML" : "Text");
  const html = mail.html?.replace(/<img src="[^"]*\/t\/o\/[^"]*"[^>]*\/?>/g, "") ?? null;
  const links = mail.html ? linksOf(mail.html) : [];
  return (
    <div className="space-y-4">
      <dl className="grid grid-cols-[5rem_minmax(0,1fr)] gap-x-3 gap-y-1 text-sm">
        <dt className="text-stone-500">From</dt>
        <dd className="text-stone-900">{mail.fromHeader}</dd>
        <dt className="text-stone-500">To</dt>
        <dd className="text-stone-900">{mail.toHeader}</dd>
        <dt className="text-stone-500">Subject</dt>
        <dd className="font-medium text-stone-900" data-testid="outbox-subject">
          {mail.subject}
        </dd>
      </dl>
      <div role="tablist" className="flex gap-1 border-b border-stone-200">
        {TABS.map((name) => (
          <button
            key={name}
            role="tab"
            type="button"
            aria-selected={tab === name}
            onClick={() => setTab(name)}
            className={`-mb-px border-b-2 px-3 py-1.5 text-sm ${tab === name ? "border-brand-600 font-medium text-stone-900" : "border-transparent text-stone-600 hover:text-stone-900"}`}
          >
            {name}
          </button>
        ))}
      </div>
      {tab === "HTML" ? (
        html ? (
          <iframe
            title="Email as received"
            sandbox=""
            srcDoc={html}
            className="h-[36rem] w-full rounded-md bg-white ring-1 ring-stone-200"
            data-testid="outbox-html"
          />
        ) : (
          <p className="text-sm text-stone-600">This mail has no HTML part.</p>
        )
      ) : tab === "Text" ? (
        <pre className="max-h-[36rem] overflow-auto rounded-md bg-stone-50 p-3 font-sans text-sm whitespace-pre-wrap text-stone-800 ring-1 ring-stone-200">
          {mail.text ?? ""}
        </pre>
      ) : tab === "Headers" ? (
        <table className="w-full table-fixed text-left text-xs">
          <tbody className="divide-y divide-stone-100">
            {mail.headers.map((h, i) => (
              <tr key={i} className="align-top">
                <th className="w-48 py-1.5 pr-3 font-mono font-medium text-stone-600">{h.name}</th>
                <td className="py-1.5 font-mono break-all text-stone-800">{h.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <pre className="max-h-[36rem] overflow-auto rounded-md bg-stone-900 p-3 font-mono text-xs whitespace-pre-wrap text-stone-100">
          {mail.raw}
        </pre>
      )}
      {links.length ? (
        <div>
          <h3 className="text-sm font-semibold text-stone-900">Links in this mail</h3>
          <ul className="mt-2 space-y-1 text-sm" data-testid="outbox-links">
            {links.map((link, i) => (
              <li key={i} className="truncate">
                <a
                  href={link.href}
                  target="_blank"
                  rel="noreferrer"
                  className="font-medium text-brand-700 hover:underline"
                >
                  {link.label}
                </a>
                {link.destination !== link.label ? (
                  <span className="ml-2 text-stone-500">→ {link.destination}</span>
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
