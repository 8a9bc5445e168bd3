import { describe, expect, it } from "vitest";
import type { PredictionRow } from "./store/prediction-store";
import { detailView, parseQuality, SCORING_WAIT_MS, summaryView } from "./views";

const row = (extra: Partial<PredictionRow> = {}): PredictionRow => ({
  id: "p1",
  key: "churn",
  name: "Churn",
  kind: "churn",
  target: { eventNames: ["Order Completed"] },
  horizonDays: 30,
  audienceSegmentId: null,
  audienceSegmentName: null,
  retrainEveryDays: 7,
  liveModelId: null,
  trainingStatus: "idle",
  trainingError: null,
  trainingStartedAt: null,
  lastTrainedAt: null,
  lastScoredAt: null,
  archivedAt: null,
  createdByLabel: "a",
  updatedByLabel: "b",
  createdAt: new Date("2026-12-01Z"),
  updatedAt: new Date("2026-12-02Z"),
  liveVersion: null,
  liveVerdict: null,
  liveQuality: null,
  liveTrainedAt: null,
  ...extra,
});

describe("prediction views", () => {
  it("read a stored quality, and treat a malformed one as missing rather than failing the page", () => {
    const quality = {
      auc: { value: 0.8, low: 0.75, high: 0.85 },
      baselineAuc: 0.7,
      calibration: [{ predicted: 0.1, observed: 0.12, count: 100 }],
      lift: { top10: 3, top20: 2 },
      classBalance: { examples: 1000, positives: 100, rate: 0.1 },
      training: { examples: 4000, positives: 400, auc: 0.82 },
      summary: "good enough to target",
    };
    expect(parseQuality(quality)).toEqual(quality);
    expect(parseQuality({ ...quality, auc: { value: "0.8" } })).toBeNull();
    expect(parseQuality({ ...quality, baselineAuc: Number.NaN })).toBeNull();
    expect(parseQuality(null)).toBeNull();
  });

  it("show the live model only when it has a version, and an unknown status or verdict as such", () => {
    expect(summaryView(row()).live).toBeNull();
    const live = summaryView(
      row({
        liveModelId: "m1",
        liveVersion: 3,
        liveVerdict: "something new",
        liveQuality: { broken: true },
        liveTrainedAt: new Date("2026-12-03Z"),
        trainingStatus: "exploded",
      }),
    );
    expect(live.live).toEqual({
      id: "m1",
      version: 3,
      verdict: "failed",
      auc: null,
      trainedAt: "2026-12-03T00:00:00.000Z",
    });
    expect(live.trainingStatus).toBe("idle");
  });

  it("wait for a newly published model's scoring, but not forever", () => {
    const trainedAt = new Date("2026-12-03T10:00:00Z");
    const published = { liveModelId: "m1", liveVersion: 1, liveVerdict: "good", liveTrainedAt: trainedAt };
    const at = (ms: number) => new Date(trainedAt.getTime() + ms);
    expect(detailView(row(published), [], {}, at(60_000)).scoringPending).toBe(true);
    expect(detailView(row({ ...published, lastScoredAt: at(-86_400_000) }), [], {}, at(60_000)).scoringPending).toBe(
      true,
    );
    expect(detailView(row({ ...published, lastScoredAt: at(5_000) }), [], {}, at(60_000)).scoringPending).toBe(false);
    expect(detailView(row(published), [], {}, at(SCORING_WAIT_MS + 1)).scoringPending).toBe(false);
    expect(detailView(row(), [], {}, at(0)).scoringPending).toBe(false);
  });
});
