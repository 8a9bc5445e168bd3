import { advanceEnrollmentFn } from "./advance-enrollment";
import { broadcastSweep } from "./broadcast-sweep";
import { decideBroadcastWinners } from "./decide-broadcast-winners";
import { deliverDue } from "./deliver-due";
import { deliverMessageFn } from "./deliver-message";
import { dispatchPredictionChangesFn } from "./dispatch-prediction-changes";
import { evaluateExperiments } from "./evaluate-experiments";
import { processEvent } from "./process-event";
import { recomputeRecommendations } from "./recompute-recommendations";
import { recomputeSegmentFn } from "./recompute-segment";
import { rollupAnalyticsFn } from "./rollup-analytics";
import { scheduleJourneys } from "./schedule-journeys";
import { rescoreChangedPredictions, scorePredictionsDaily } from "./score-predictions";
import { segmentChecks } from "./segment-checks";
import { segmentEntries } from "./segment-entries";
import { sendBroadcast } from "./send-broadcast";
import { retrainPredictions, trainPredictionFn } from "./train-predictions";
import { updateSendTimesFn } from "./update-send-times";
import { wakeDue } from "./wake-due";

/** Every function Cairn serves at /api/inngest. */
export const functions = [
  processEvent,
  advanceEnrollmentFn,
  wakeDue,
  deliverMessageFn,
  deliverDue,
  evaluateExperiments,
  rollupAnalyticsFn,
  segmentChecks,
  recomputeSegmentFn,
  segmentEntries,
  dispatchPredictionChangesFn,
  scheduleJourneys,
  sendBroadcast,
  broadcastSweep,
  decideBroadcastWinners,
  recomputeRecommendations,
  trainPredictionFn,
  retrainPredictions,
  scorePredictionsDaily,
  rescoreChangedPredictions,
  updateSendTimesFn,
];
