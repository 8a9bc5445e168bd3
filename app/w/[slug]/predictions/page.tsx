import { Sparkles } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { EmptyState } from "@/components/events/empty-state";
import { RefreshWhileTraining } from "@/components/predictions/refresh-while-training";
import { TrainingBadge, VerdictBadge } from "@/components/predictions/verdict";
import { PageHeader } from "@/components/shell/page-header";
import { buttonClass } from "@/components/ui/button";
import { Badge, Card } from "@/components/ui/card";
import { formatDateTime } from "@/components/ui/format";
import { can } from "@/lib/auth/context";
import { requirePageWorkspace } from "@/lib/http/page-auth";
import { listPredictions } from "@/lib/predictions/definitions";

export const metadata: Metadata = { title: "Predictions" };

export default async function PredictionsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/predictions`);
  const canEdit = can(ctx, "content:write");
  const { predictions } = await listPredictions(ctx);
  const newButton = canEdit ? (
    <Link href={`/w/${slug}/predictions/new`} className={buttonClass("primary")}>
      New prediction
    </Link>
  ) : undefined;
  return (
    <>
      <PageHeader
        title="Predictions"
        description="Who is likely to buy, or to churn, in the next days: models trained on this workspace's own events, validated on held-out time, with each person's score (0–100) and tier usable in segments, journeys and templates."
        actions={newButton}
      />
      <RefreshWhileTraining
        active={predictions.some((p) => p.trainingStatus === "queued" || p.trainingStatus === "training")}
      />
      <div className="mt-6">
        {predictions.length === 0 ? (
          <EmptyState icon={Sparkles} heading="No predictions yet" actions={newButton}>
            <p>
              Define what to predict, for example &ldquo;will the person do Order Completed in the next 14 days&rdquo;
              or &ldquo;will they do none of their sessions in 30 days&rdquo;. Cairn learns from the history of the
              events you already send and shows how good the model is before anyone relies on it.
            </p>
            {canEdit ? null : <p>An editor, admin or owner can define one.</p>}
          </EmptyState>
        ) : (
          <Card>
            <table className="w-full text-left text-sm">
              <thead className="text-stone-500">
                <tr>
                  <th className="py-2 pr-4 font-medium">Name</th>
                  <th className="py-2 pr-4 font-medium">Key</th>
                  <th className="py-2 pr-4 font-medium">Kind</th>
                  <th className="py-2 pr-4 font-medium">Live model</th>
                  <th className="py-2 pr-4 font-medium">AUC</th>
                  <th className="py-2 pr-4 font-medium">Training</th>
                  <th className="py-2 font-medium">Last trained</th>
                </tr>
              </thead>
              <tbody>
                {predictions.map((p) => (
                  <tr key={p.id} className="border-t border-stone-100" data-testid="prediction-row">
                    <td className="py-2 pr-4">
                      <Link
                        className="font-medium text-brand-700 hover:underline"
                        href={`/w/${slug}/predictions/${p.id}`}
                      >
                        {p.name}
                      </Link>
                    </td>
                    <td className="py-2 pr-4 font-mono text-xs">{p.key}</td>
                    <td className="py-2 pr-4">
                      <Badge>{p.kind === "churn" ? "Churn" : "Propensity"}</Badge>
                    </td>
                    <td className="py-2 pr-4">
                      {p.live ? (
                        <VerdictBadge verdict={p.live.verdict} />
                      ) : (
                        <span className="text-stone-500">None yet</span>
                      )}
                    </td>
                    <td className="py-2 pr-4 tabular-nums">{p.live?.auc != null ? p.live.auc.toFixed(2) : "—"}</td>
                    <td className="py-2 pr-4">
                      <TrainingBadge status={p.trainingStatus} trained={p.lastTrainedAt !== null} />
                    </td>
                    <td className="py-2">{p.lastTrainedAt ? formatDateTime(p.lastTrainedAt) : "Never"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
        )}
      </div>
    </>
  );
}
