import { ArrowLeft } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PredictionActions } from "@/components/predictions/prediction-actions";
import { PredictionSettingsForm } from "@/components/predictions/prediction-settings-form";
import { AucHistoryChart, CalibrationChart } from "@/components/predictions/quality-charts";
import { questionOf } from "@/components/predictions/question";
import { RefreshWhileTraining } from "@/components/predictions/refresh-while-training";
import { TrainingBadge, VerdictBadge } from "@/components/predictions/verdict";
import { PageHeader } from "@/components/shell/page-header";
import { Badge, Card } from "@/components/ui/card";
import { formatDateTime } from "@/components/ui/format";
import { can } from "@/lib/auth/context";
import { AppError } from "@/lib/errors";
import { requirePageWorkspace } from "@/lib/http/page-auth";
import { getPrediction } from "@/lib/predictions/definitions";
import type { ModelVersionView, PredictionDetail } from "@/lib/predictions/views";
import { listSegments } from "@/lib/segments/list-segments";

export const metadata: Metadata = { title: "Prediction" };

const pct = (v: number, digits = 0) => `${(v * 100).toFixed(digits)} %`;
const day = (iso: string) => iso.slice(0, 10);
const count = (n: number) => n.toLocaleString("en-US");

function Stat({ label, value, note, testId }: { label: string; value: string; note?: string; testId?: string }) {
  return (
    <div className="rounded-lg bg-stone-50 px-4 py-3 ring-1 ring-stone-200 ring-inset">
      <dt className="text-xs font-medium text-stone-500">{label}</dt>
      <dd className="mt-1 text-lg font-semibold text-stone-900 tabular-nums" data-testid={testId}>
        {value}
      </dd>
      {note ? <p className="mt-0.5 text-xs text-stone-500">{note}</p> : null}
    </div>
  );
}

function TrainingNotice({ p }: { p: PredictionDetail }) {
  const serving = p.live ? `Version ${p.live.version} keeps serving.` : "No model serves yet: nobody has a score.";
  if (p.trainingStatus === "failed")
    return (
      <div role="alert" className="rounded-md bg-red-50 px-4 py-3 text-sm text-red-800 ring-1 ring-red-200 ring-inset">
        <strong className="font-semibold">The last training failed</strong>
        {p.trainingError ? `: ${p.trainingError}` : "."} {serving}
      </div>
    );
  if (p.trainingStatus === "queued" || p.trainingStatus === "training")
    return (
      <div
        role="status"
        className="rounded-md bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200 ring-inset"
      >
        {p.trainingStatus === "queued" ? "A training is queued." : "Training now…"} {serving} This page updates when it
        is done.
      </div>
    );
  return null;
}

function QualityCard({ p }: { p: PredictionDetail }) {
  const latest = p.models[0];
  if (!p.quality || !p.liveModel) {
    return (
      <Card title="Quality">
        {latest ? (
          <div className="space-y-2 text-sm text-stone-700">
            <p>
              No model serves yet. The latest training (version {latest.version}, {formatDateTime(latest.trainedAt)})
              was {latest.status === "failed" ? "a failure" : "not published"}:{" "}
              <VerdictBadge verdict={latest.verdict} />
            </p>
            <p data-testid="verdict-words">{latest.summary}</p>
          </div>
        ) : (
          <p className="text-sm text-stone-600">
            Not trained yet. The first training starts on its own after the prediction is created; its quality shows
            here, measured on the most recent period the model did not learn from.
          </p>
        )}
      </Card>
    );
  }
  const q = p.quality;
  const m = p.liveModel;
  return (
    <Card
      title={`Quality of the live model (version ${m.version})`}
      description={`Trained ${formatDateTime(m.trainedAt)} on ${day(m.trainingWindow.from)} – ${day(m.trainingWindow.to)}; validated on ${day(m.validationWindow.from)} – ${day(m.validationWindow.to)}, a period it never saw.`}
    >
      <div className="flex flex-wrap items-center gap-3">
        <VerdictBadge verdict={m.verdict} />
        <p className="text-sm text-stone-700" data-testid="verdict-words">
          {q.summary}
        </p>
      </div>
      <dl className="mt-5 grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Stat
          label="AUC on held-out time"
          value={q.auc.value.toFixed(3)}
          note={`95 % interval ${q.auc.low.toFixed(3)} – ${q.auc.high.toFixed(3)}`}
          testId="auc"
        />
        <Stat
          label="Recency alone (baseline)"
          value={q.baselineAuc.toFixed(3)}
          note={`the model is ${q.auc.value >= q.baselineAuc ? "+" : ""}${(q.auc.value - q.baselineAuc).toFixed(3)} better`}
        />
        <Stat
          label="Lift of the top 10 %"
          value={`× ${q.lift.top10.toFixed(1)}`}
          note={`top 20 %: × ${q.lift.top20.toFixed(1)}`}
        />
        <Stat
          label="Class balance (validation)"
          value={pct(q.classBalance.rate, 1)}
          note={`${count(q.classBalance.positives)} positive of ${count(q.classBalance.examples)} examples`}
        />
      </dl>
      <p className="mt-3 text-xs text-stone-500">
        On its own training examples ({count(q.training.examples)}, {count(q.training.positives)} positive) the model
        scores an AUC of {q.training.auc.toFixed(3)}; a much higher figure than on held-out time would mean it learnt
        noise.
      </p>
    </Card>
  );
}

const TIER_WORDS = { high: "High", medium: "Medium", low: "Low" } as const;

function TiersCard({ p, scoring }: { p: PredictionDetail; scoring: boolean }) {
  const total = p.tiers.low + p.tiers.medium + p.tiers.high;
  return (
    <Card
      title="People per tier"
      description={p.lastScoredAt ? `Scored ${formatDateTime(p.lastScoredAt)}.` : undefined}
    >
      {total === 0 ? (
        <p className="text-sm text-stone-600">
          {scoring
            ? `Scoring the audience with version ${p.live?.version}…`
            : p.live
              ? "Nobody in the audience has a score: the audience is empty, or its people have no events yet."
              : "Nobody is scored yet: scores appear once a model is published."}
        </p>
      ) : (
        <ul className="space-y-2" data-testid="tiers">
          {(["high", "medium", "low"] as const).map((tier) => (
            <li key={tier} className="grid grid-cols-[5rem_1fr_5rem] items-center gap-3 text-sm">
              <span className="text-stone-700">{TIER_WORDS[tier]}</span>
              <span className="h-2.5 rounded-full bg-stone-100">
                <span
                  className="block h-2.5 rounded-full bg-brand-600"
                  style={{ width: `${(p.tiers[tier] / total) * 100}%` }}
                />
              </span>
              <span className="text-right tabular-nums text-stone-900">{count(p.tiers[tier])}</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function HistoryCard({ p }: { p: PredictionDetail }) {
  const oldestFirst = [...p.models].reverse();
  return (
    <Card
      title="Model history"
      description="Every training, newest first. Only a model that beats recency alone is published."
    >
      {p.models.length === 0 ? (
        <p className="text-sm text-stone-600">No training has finished yet.</p>
      ) : (
        <>
          {p.models.length > 1 ? (
            <AucHistoryChart
              points={oldestFirst.map((m) => ({
                version: m.version,
                auc: m.auc?.value ?? null,
                baseline: m.baselineAuc,
              }))}
            />
          ) : null}
          <table
            className={`${p.models.length > 1 ? "mt-4 " : ""}w-full text-left text-sm`}
            data-testid="model-history"
          >
            <thead className="text-stone-500">
              <tr>
                <th className="py-2 pr-4 font-medium">Version</th>
                <th className="py-2 pr-4 font-medium">Trained</th>
                <th className="py-2 pr-4 font-medium">Status</th>
                <th className="py-2 pr-4 font-medium">Verdict</th>
                <th className="py-2 pr-4 font-medium">AUC</th>
                <th className="py-2 font-medium">In words</th>
              </tr>
            </thead>
            <tbody>
              {p.models.map((m: ModelVersionView) => (
                <tr key={m.id} className="border-t border-stone-100 align-top">
                  <td className="py-2 pr-4 tabular-nums">
                    {m.version}
                    {m.id === p.live?.id ? (
                      <span className="ml-2">
                        <Badge tone="brand">Live</Badge>
                      </span>
                    ) : null}
                  </td>
                  <td className="py-2 pr-4 whitespace-nowrap">{formatDateTime(m.trainedAt)}</td>
                  <td className="py-2 pr-4">{m.status}</td>
                  <td className="py-2 pr-4">
                    <VerdictBadge verdict={m.verdict} />
                  </td>
                  <td className="py-2 pr-4 tabular-nums">{m.auc ? m.auc.value.toFixed(3) : "—"}</td>
                  <td className="py-2 text-stone-600">{m.error ?? m.summary}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Card>
  );
}

export default async function PredictionPage({ params }: { params: Promise<{ slug: string; id: string }> }) {
  const { slug, id } = await params;
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/predictions/${id}`);
  let p: PredictionDetail;
  try {
    p = await getPrediction(ctx, id);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  }
  const busy = p.trainingStatus === "queued" || p.trainingStatus === "training";
  const scoring = p.scoringPending;
  const editable = can(ctx, "content:write") && !p.archived;
  const segments = editable ? await listSegments(ctx) : [];
  return (
    <>
      <Link
        href={`/w/${slug}/predictions`}
        className="mb-3 inline-flex items-center gap-1.5 text-sm font-medium text-stone-500 hover:text-stone-900"
      >
        <ArrowLeft className="h-4 w-4" aria-hidden="true" /> Predictions
      </Link>
      <PageHeader
        title={p.name}
        description={
          <>
            {questionOf(p)} {p.audience ? `Audience: ${p.audience.name ?? "a segment"}.` : "Everyone is scored."}{" "}
            Retrained every {p.retrainEveryDays} days. In a template:{" "}
            <code className="text-xs">{`{{ profile.predictions.${p.key}.score }}`}</code>
          </>
        }
        actions={
          <div className="flex items-center gap-3">
            {p.archived ? (
              <Badge>Archived</Badge>
            ) : (
              <TrainingBadge status={p.trainingStatus} trained={p.lastTrainedAt !== null} />
            )}
            {editable ? <PredictionActions slug={slug} id={p.id} busy={busy} /> : null}
          </div>
        }
      />
      <RefreshWhileTraining active={(busy || scoring) && !p.archived} />
      <div className="mt-6 space-y-6">
        <TrainingNotice p={p} />
        <QualityCard p={p} />
        {p.quality && p.quality.calibration.length ? (
          <Card
            title="Calibration"
            description="Per bin of predicted probability, the share of people who then did it. A calibrated model follows the dashed diagonal: a score of 30 means about 30 %."
          >
            <CalibrationChart bins={p.quality.calibration} />
          </Card>
        ) : null}
        <TiersCard p={p} scoring={scoring} />
        <HistoryCard p={p} />
        {editable ? (
          <Card
            title="Settings"
            description="A new horizon or audience asks a different question: it is retrained, and the live model serves until then."
          >
            <PredictionSettingsForm
              slug={slug}
              prediction={{
                id: p.id,
                name: p.name,
                horizonDays: p.horizonDays,
                retrainEveryDays: p.retrainEveryDays,
                audienceSegmentId: p.audience?.segmentId ?? null,
              }}
              segments={segments.map((s) => ({ id: s.id, name: s.name, memberCount: s.memberCount }))}
            />
          </Card>
        ) : null}
      </div>
    </>
  );
}
