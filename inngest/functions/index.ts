import { advanceEnrollmentFn } from "./advance-enrollment";
import { deliverDue } from "./deliver-due";
import { deliverMessageFn } from "./deliver-message";
import { evaluateExperiments } from "./evaluate-experiments";
import { processEvent } from "./process-event";
import { rollupAnalyticsFn } from "./rollup-analytics";
import { wakeDue } from "./wake-due";

/** Every function Cairn serves at /api/inngest. */
export const functions = [processEvent, advanceEnrollmentFn, wakeDue, deliverMessageFn, deliverDue, evaluateExperiments, rollupAnalyticsFn];
