import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ItemSearch } from "@/components/catalogs/item-search";
import { UploadPanel } from "@/components/catalogs/upload-panel";
import { PageHeader } from "@/components/shell/page-header";
import { Card } from "@/components/ui/card";
import { can } from "@/lib/auth/context";
import { getCatalog, listItems } from "@/lib/catalogs/manage-catalogs";
import { AppError } from "@/lib/errors";
import { requirePageWorkspace } from "@/lib/http/page-auth";

export const metadata: Metadata = { title: "Catalog" };

const PRODUCT_COLUMNS = ["id", "name", "price", "currency", "category", "in_stock"];

function cell(value: unknown): string {
  if (value == null) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

export default async function CatalogPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string; key: string }>;
  searchParams: Promise<{ q?: string; cursor?: string }>;
}) {
  const { slug, key } = await params;
  const query = await searchParams;
  const q = (query.q ?? "").trim().slice(0, 200);
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/catalogs/${key}`);
  const notFoundOr = (error: unknown): never => {
    if (error instanceof AppError && (error.code === "not_found" || error.code === "validation")) notFound();
    throw error;
  };
  const catalog = await getCatalog(ctx, key).catch(notFoundOr);
  const page = await listItems(ctx, key, { q: q || undefined, cursor: query.cursor, limit: "50" }).catch(notFoundOr);
  const columns = catalog.kind === "products" ? [...PRODUCT_COLUMNS, ...catalog.columns] : ["id", ...catalog.columns];
  const base = `/w/${slug}/catalogs/${key}`;
  return (
    <>
      <PageHeader
        title={catalog.name}
        description={
          <>
            <code>{catalog.key}</code> · {catalog.kind === "products" ? "products" : "lookup table"} ·{" "}
            {catalog.itemCount.toLocaleString("en-US")} items. In a template:{" "}
            <code>{`{% catalog ${catalog.key} id: event.properties.sku %}{{ item.name }}`}</code>
          </>
        }
      />
      <div className="mt-6 space-y-6">
        {can(ctx, "content:write") ? (
          <Card title="Upload" description="Check a file first: nothing is stored until you import it.">
            <UploadPanel slug={slug} catalogKey={catalog.key} />
          </Card>
        ) : null}
        <Card title="Items" actions={<ItemSearch base={base} q={q} />}>
          {page.items.length ? (
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm">
                <thead className="text-stone-500">
                  <tr>
                    {columns.map((c) => (
                      <th key={c} className="py-2 pr-4 font-medium">
                        {c}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((item) => (
                    <tr key={String(item.id)} className="border-t border-stone-100">
                      {columns.map((c) => (
                        <td key={c} className="py-2 pr-4">
                          {cell(item[c])}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="text-sm text-stone-600">{q ? "No items match." : "No items yet: upload a CSV."}</p>
          )}
          {page.nextCursor ? (
            <Link
              className="mt-4 inline-block text-sm text-brand-700 hover:underline"
              href={`${base}?${new URLSearchParams({ ...(q ? { q } : {}), cursor: page.nextCursor })}`}
            >
              Next page
            </Link>
          ) : null}
        </Card>
      </div>
    </>
  );
}
