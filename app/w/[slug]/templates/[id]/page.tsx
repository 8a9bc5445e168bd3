import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { TemplateEditor } from "@/components/templates/template-editor";
import { can } from "@/lib/auth/context";
import { AppError } from "@/lib/errors";
import { requirePageWorkspace } from "@/lib/http/page-auth";
import { getTemplate, listLayouts } from "@/lib/messaging/templates/read-templates";

export const metadata: Metadata = { title: "Template" };

export default async function TemplateEditorPage({ params }: { params: Promise<{ slug: string; id: string }> }) {
  const { slug, id } = await params;
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/templates/${id}`);
  const template = await getTemplate(ctx, id).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  });
  const layouts = template.channel === "email" ? await listLayouts(ctx) : [];
  return (
    <TemplateEditor
      key={template.id}
      slug={slug}
      template={template}
      layouts={layouts}
      canEdit={can(ctx, "content:write")}
    />
  );
}
