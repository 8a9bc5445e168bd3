import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge, Card } from "@/components/ui/card";
import { formatDateTime } from "@/components/ui/format";
import { listAuditLog } from "@/lib/audit/audit-log";
import { can } from "@/lib/auth/context";
import { requirePageWorkspace } from "@/lib/http/page-auth";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditLogPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<{ before?: string }>;
}) {
  const { slug } = await params;
  const { before } = await searchParams;
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/settings/audit-log`);
  if (!can(ctx, "audit:read")) notFound();
  const { entries, nextBefore } = await listAuditLog(ctx, { before: before || undefined, limit: 50 });
  return (
    <Card title="Audit log" description="Every change made in this workspace: who, what, when.">
      {entries.length === 0 ? (
        <p className="text-sm text-stone-500">Nothing recorded yet.</p>
      ) : (
        <table className="w-full text-left text-sm">
          <thead className="text-xs tracking-wide text-stone-500 uppercase">
            <tr>
              <th className="py-2 font-medium">When</th>
              <th className="py-2 font-medium">Who</th>
              <th className="py-2 font-medium">What</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {entries.map((entry) => (
              <tr key={entry.id} data-testid="audit-entry">
                <td className="py-3 whitespace-nowrap text-stone-600">{formatDateTime(entry.createdAt)}</td>
                <td className="py-3 text-stone-800">{entry.actorLabel}</td>
                <td className="py-3">
                  <div className="text-stone-900">{entry.summary}</div>
                  <div className="mt-0.5">
                    <Badge>{entry.action}</Badge>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {nextBefore ? (
        <div className="mt-4">
          <Link href={`?before=${nextBefore}`} className="text-sm font-medium text-brand-700 hover:underline">
            Older entries →
          </Link>
        </div>
      ) : null}
    </Card>
  );
}
