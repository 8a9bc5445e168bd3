"use client";

import { Archive, ArchiveRestore, FileText, Pencil, Search } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { TemplateDetail, TemplateSummary } from "@/lib/messaging/templates";
import { EmptyState } from "../events/empty-state";
import { Dialog } from "../journeys/dialog";
import { Button } from "../ui/button";
import { Badge, Card } from "../ui/card";
import { FormAlert, TextField } from "../ui/field";
import { formatDateTime } from "../ui/format";
import { callApi, useApiForm } from "../ui/use-api-form";
import { CHANNEL_LABEL, CHANNEL_OPTIONS, type ChannelName } from "./channels";
import { NewTemplateButton } from "./new-template-button";

export type TemplatesFilter = ChannelName | "archived" | null;

const TABS: { filter: TemplatesFilter; label: string }[] = [{ filter: null, label: "All" }, ...CHANNEL_OPTIONS.map((c) => ({ filter: c.value, label: c.label })), { filter: "archived", label: "Archived" }];

function href(slug: string, q: string, filter: TemplatesFilter): string {
  const params = new URLSearchParams({ ...(q ? { q } : {}), ...(filter === "archived" ? { archived: "true" } : filter ? { channel: filter } : {}) }).toString();
  return `/w/${slug}/templates${params ? `?${params}` : ""}`;
}

export function TemplatesList({ slug, templates, q, filter, canEdit }: { slug: string; templates: TemplateSummary[]; q: string; filter: TemplatesFilter; canEdit: boolean }) {
  const router = useRouter();
  const [search, setSearch] = useState(q);
  const [renaming, setRenaming] = useState<TemplateSummary | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);

  function onSearch(e: FormEvent) {
    e.preventDefault();
    router.push(href(slug, search.trim(), filter));
  }

  async function act(template: TemplateSummary, action: "archive" | "restore") {
    if (action === "archive" && !confirm(`Archive “${template.name}”? Journeys can no longer be published with it. You can restore it later.`)) return;
    setRowError(null);
    const result = await callApi<TemplateDetail>("POST", `/api/workspaces/${slug}/templates/${template.id}/${action}`);
    if (!result.ok) setRowError(result.failure.message);
    router.refresh();
  }

  return (
    <div className="mt-6 space-y-5">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <nav aria-label="Template channel" className="flex gap-1 rounded-lg bg-stone-100 p-1">
          {TABS.map((tab) => (
            <Link
              key={tab.label}
              href={href(slug, q, tab.filter)}
              aria-current={filter === tab.filter ? "page" : undefined}
              className={`rounded-md px-3 py-1.5 text-sm font-medium ${filter === tab.filter ? "bg-white text-stone-900 shadow-sm" : "text-stone-600 hover:text-stone-900"}`}
            >
              {tab.label}
            </Link>
          ))}
        </nav>
        <form onSubmit={onSearch} role="search" className="flex items-center gap-2">
          <div className="relative">
            <Search className="pointer-events-none absolute top-2.5 left-3 h-4 w-4 text-stone-400" aria-hidden="true" />
            <input
              type="search"
              aria-label="Search templates"
              placeholder="Search by name"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              className="block w-64 rounded-md border-0 bg-white py-2 pr-3 pl-9 text-sm text-stone-900 shadow-sm ring-1 ring-stone-300 outline-none ring-inset placeholder:text-stone-400 focus:ring-2 focus:ring-brand-600"
            />
          </div>
          <Button type="submit" variant="secondary">
            Search
          </Button>
        </form>
      </div>
      <FormAlert message={rowError} />
      {templates.length === 0 ? (
        q || filter ? (
          <EmptyState icon={Search} heading="No templates match">
            <p>
              Nothing {filter === "archived" ? "archived " : filter ? `for ${CHANNEL_LABEL[filter]} ` : ""}
              {q ? `named like “${q}”` : "here"}.{" "}
              <Link href={`/w/${slug}/templates`} className="font-medium text-brand-700 hover:underline">
                Show all templates
              </Link>
            </p>
          </EmptyState>
        ) : (
          <EmptyState icon={FileText} heading="No templates yet" actions={canEdit ? <NewTemplateButton slug={slug} label="Create your first template" /> : undefined}>
            <p>A template is the message a journey sends: an email, an SMS, a push notification or an in-app message, personalized with Liquid.</p>
            {canEdit ? null : <p>An editor of this workspace can create one; you will be able to read it here.</p>}
          </EmptyState>
        )
      ) : (
        <Card>
          <table className="-my-2 w-full text-left text-sm" data-testid="templates">
            <thead className="text-xs tracking-wide text-stone-500 uppercase">
              <tr>
                <th className="py-2 font-medium">Name</th>
                <th className="py-2 font-medium">Channel</th>
                <th className="py-2 font-medium">Version</th>
                <th className="py-2 font-medium">Updated</th>
                {canEdit ? <th className="py-2 text-right font-medium">Actions</th> : null}
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {templates.map((t) => (
                <tr key={t.id} data-testid={`template-${t.name}`}>
                  <td className="py-3">
                    <Link href={`/w/${slug}/templates/${t.id}`} className="font-medium text-stone-900 hover:text-brand-700 hover:underline">
                      {t.name}
                    </Link>
                  </td>
                  <td className="py-3">
                    <Badge tone="brand">{CHANNEL_LABEL[t.channel]}</Badge>
                  </td>
                  <td className="py-3 text-stone-700">{t.currentVersion ? `v${t.currentVersion}` : "not saved yet"}</td>
                  <td className="py-3 text-stone-600">{formatDateTime(t.updatedAt)}</td>
                  {canEdit ? (
                    <td className="py-2 text-right whitespace-nowrap">
                      <Button variant="ghost" className="px-2 py-1.5 text-xs" onClick={() => setRenaming(t)}>
                        <Pencil className="h-3.5 w-3.5" aria-hidden="true" />
                        Rename<span className="sr-only"> {t.name}</span>
                      </Button>
                      {t.archived ? (
                        <Button variant="ghost" className="px-2 py-1.5 text-xs" onClick={() => void act(t, "restore")}>
                          <ArchiveRestore className="h-3.5 w-3.5" aria-hidden="true" />
                          Restore<span className="sr-only"> {t.name}</span>
                        </Button>
                      ) : (
                        <Button variant="ghost" className="px-2 py-1.5 text-xs text-red-700 hover:bg-red-50 hover:text-red-800" onClick={() => void act(t, "archive")}>
                          <Archive className="h-3.5 w-3.5" aria-hidden="true" />
                          Archive<span className="sr-only"> {t.name}</span>
                        </Button>
                      )}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
      {renaming ? <RenameDialog slug={slug} template={renaming} onClose={() => setRenaming(null)} /> : null}
    </div>
  );
}

function RenameDialog({ slug, template, onClose }: { slug: string; template: TemplateSummary; onClose: () => void }) {
  const router = useRouter();
  const [name, setName] = useState(template.name);
  const { pending, formError, fieldErrors, submit } = useApiForm();
  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (await submit("PATCH", `/api/workspaces/${slug}/templates/${template.id}`, { name })) {
      onClose();
      router.refresh();
    }
  }
  return (
    <Dialog title="Rename template" onClose={onClose}>
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <FormAlert message={formError} />
        <TextField label="Template name" value={name} onChange={(e) => setName(e.target.value)} error={fieldErrors.name} autoFocus maxLength={120} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={pending}>
            {pending ? "Saving…" : "Rename"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
