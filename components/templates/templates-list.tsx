"use client";

import { Archive, ArchiveRestore, FileText, Pencil, Search } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { TemplateSummary } from "@/lib/messaging/templates/template-views";
import { api } from "../api/client";
import { EmptyState } from "../events/empty-state";
import { Button } from "../ui/button";
import { Badge, Card } from "../ui/card";
import { FormAlert } from "../ui/field";
import { formatDateTime } from "../ui/format";
import { ListToolbar } from "../ui/list-toolbar";
import { NameDialog } from "../ui/name-dialog";
import { KIND_LABEL, KIND_OPTIONS, type TemplateKind } from "./channels";
import { NewTemplateButton } from "./new-template-button";

export type TemplatesFilter = TemplateKind | "archived" | null;

const TABS: { filter: TemplatesFilter; label: string }[] = [
  { filter: null, label: "All" },
  ...KIND_OPTIONS.map((c) => ({
    filter: c.value,
    label: c.value === "partial" ? "Partials" : c.value === "layout" ? "Layouts" : c.label,
  })),
  { filter: "archived", label: "Archived" },
];

function href(slug: string, q: string, filter: TemplatesFilter): string {
  const params = new URLSearchParams({
    ...(q ? { q } : {}),
    ...(filter === "archived" ? { archived: "true" } : filter ? { channel: filter } : {}),
  }).toString();
  return `/w/${slug}/templates${params ? `?${params}` : ""}`;
}

export function TemplatesList({
  slug,
  templates,
  q,
  filter,
  canEdit,
}: {
  slug: string;
  templates: TemplateSummary[];
  q: string;
  filter: TemplatesFilter;
  canEdit: boolean;
}) {
  const router = useRouter();
  const [search, setSearch] = useState(q);
  const [renaming, setRenaming] = useState<TemplateSummary | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);

  function onSearch(e: FormEvent) {
    e.preventDefault();
    router.push(href(slug, search.trim(), filter));
  }

  async function act(template: TemplateSummary, action: "archive" | "restore") {
    if (
      action === "archive" &&
      !confirm(`Archive “${template.name}”? Journeys can no longer be published with it. You can restore it later.`)
    )
      return;
    setRowError(null);
    const result = await api.templates[action](slug, template.id);
    if (!result.ok) setRowError(result.error.message);
    router.refresh();
  }

  return (
    <div className="mt-6 space-y-5">
      <ListToolbar
        tabsLabel="Template channel"
        tabs={TABS.map((tab) => ({
          label: tab.label,
          href: href(slug, q, tab.filter),
          current: filter === tab.filter,
        }))}
        searchLabel="Search templates"
        search={search}
        onSearchChange={setSearch}
        onSearch={onSearch}
      />
      <FormAlert message={rowError} />
      {templates.length === 0 ? (
        q || filter ? (
          <EmptyState icon={Search} heading="No templates match">
            <p>
              Nothing {filter === "archived" ? "archived " : filter ? `for ${KIND_LABEL[filter]} ` : ""}
              {q ? `named like “${q}”` : "here"}.{" "}
              <Link href={`/w/${slug}/templates`} className="font-medium text-brand-700 hover:underline">
                Show all templates
              </Link>
            </p>
          </EmptyState>
        ) : (
          <EmptyState
            icon={FileText}
            heading="No templates yet"
            actions={canEdit ? <NewTemplateButton slug={slug} label="Create your first template" /> : undefined}
          >
            <p>
              A template is the message a journey sends: an email, an SMS, a push notification or an in-app message,
              personalized with Liquid.
            </p>
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
                    <Link
                      href={`/w/${slug}/templates/${t.id}`}
                      className="font-medium text-stone-900 hover:text-brand-700 hover:underline"
                    >
                      {t.name}
                    </Link>
                  </td>
                  <td className="py-3">
                    <Badge tone="brand">{KIND_LABEL[t.channel]}</Badge>
                  </td>
                  <td className="py-3 text-stone-700">
                    {t.currentVersion ? `v${t.currentVersion}` : "not saved yet"}
                    {t.awaitingApproval ? (
                      <span className="ml-2" title="The newest version waits for an approver; the approved one is sent">
                        <Badge tone="amber">awaiting approval</Badge>
                      </span>
                    ) : null}
                  </td>
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
                        <Button
                          variant="ghost"
                          className="px-2 py-1.5 text-xs text-red-700 hover:bg-red-50 hover:text-red-800"
                          onClick={() => void act(t, "archive")}
                        >
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
  return (
    <NameDialog
      fieldLabel="Template name"
      title="Rename template"
      initialName={template.name}
      submitLabel="Rename"
      pendingLabel="Saving…"
      save={(name) => api.templates.rename(slug, template.id, { name })}
      onDone={() => {
        onClose();
        router.refresh();
      }}
      onClose={onClose}
    />
  );
}
