import type { Metadata } from "next";
import Link from "next/link";
import { NewCatalogForm } from "@/components/catalogs/new-catalog-form";
import { PageHeader } from "@/components/shell/page-header";
import { Badge, Card } from "@/components/ui/card";
import { formatDateTime } from "@/components/ui/format";
import { can } from "@/lib/auth/context";
import { listCatalogs } from "@/lib/catalogs/manage-catalogs";
import { requirePageWorkspace } from "@/lib/http/page-auth";

export const metadata: Metadata = { title: "Catalogs" };

export default async function CatalogsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/catalogs`);
  const { catalogs } = await listCatalogs(ctx);
  return (
    <>
      <PageHeader
        title="Catalogs"
        description="Products and lookup tables that templates read: {% catalog products id: event.properties.sku %}, {% recommend products bought_together limit: 4 as items %}. Prices and stock change by upload, never by editing templates."
      />
      <div className="mt-6 space-y-6">
        {can(ctx, "content:write") ? (
          <Card title="New catalog">
            <NewCatalogForm slug={slug} />
          </Card>
        ) : null}
        <Card title="Catalogs">
          {catalogs.length ? (
            <table className="w-full text-left text-sm">
              <thead className="text-stone-500">
                <tr>
                  <th className="py-2 pr-4 font-medium">Key</th>
                  <th className="py-2 pr-4 font-medium">Name</th>
                  <th className="py-2 pr-4 font-medium">Kind</th>
                  <th className="py-2 pr-4 font-medium">Items</th>
                  <th className="py-2 font-medium">Updated</th>
                </tr>
              </thead>
              <tbody>
                {catalogs.map((c) => (
                  <tr key={c.id} className="border-t border-stone-100">
                    <td className="py-2 pr-4 font-mono">
                      <Link className="text-brand-700 hover:underline" href={`/w/${slug}/catalogs/${c.key}`}>
                        {c.key}
                      </Link>
                    </td>
                    <td className="py-2 pr-4">{c.name}</td>
                    <td className="py-2 pr-4">
                      <Badge>{c.kind === "products" ? "Products" : "Lookup table"}</Badge>
                    </td>
                    <td className="py-2 pr-4 tabular-nums">{c.itemCount.toLocaleString("en-US")}</td>
                    <td className="py-2">{formatDateTime(c.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="text-sm text-stone-600">No catalogs yet.</p>
          )}
        </Card>
      </div>
    </>
  );
}
