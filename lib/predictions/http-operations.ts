import { keyOperation } from "../api/operation";
import { ZCreatePrediction, ZPredictionListQuery, ZUpdatePrediction } from "./definitions-schemas";

const TAG = "Predictions";

/** Predictions: churn and propensity scores trained on the workspace's own events (listed in lib/api/operations.ts). */
export const predictionsApi = {
  list: keyOperation({
    method: "GET",
    path: "/predictions",
    tag: TAG,
    permission: "workspace:read",
    auth: "either",
    query: ZPredictionListQuery,
    summary: "List predictions",
    description:
      "Newest change first, each with its training state and the live model's verdict and held-out AUC; archived ones only with `archived=true`.",
  }),
  create: keyOperation({
    method: "POST",
    path: "/predictions",
    tag: TAG,
    permission: "content:write",
    auth: "either",
    body: ZCreatePrediction,
    status: 201,
    summary: "Define a prediction (its first training is queued)",
    description:
      '`kind` "propensity" asks "will the person do `target.eventName` (matching `target.filters`) in the next `horizonDays` days"; "churn" asks "will they do none of `target.eventNames`". Every event must have been seen in the workspace, `horizonDays` is 1–90, `audienceSegmentId` (optional) a live segment with members; `key` (what Liquid names it by: `{{ profile.predictions.<key>.score }}`) is derived from the name when left out. Each problem is a 422 naming the field, and nothing is stored.',
  }),
  get: keyOperation({
    method: "GET",
    path: "/predictions/{id}",
    tag: TAG,
    permission: "workspace:read",
    auth: "either",
    summary: "A prediction with its live model's quality, its model history and the people per tier",
  }),
  update: keyOperation({
    method: "PATCH",
    path: "/predictions/{id}",
    tag: TAG,
    permission: "content:write",
    auth: "either",
    body: ZUpdatePrediction,
    summary: "Change a prediction's definition",
    description:
      "Kind and key stay. A new target, horizon or audience queues a retraining; the live model keeps serving until a new one beats the recency baseline.",
  }),
  archive: keyOperation({
    method: "POST",
    path: "/predictions/{id}/archive",
    tag: TAG,
    permission: "content:write",
    auth: "either",
    summary: "Archive a prediction (its scores stop serving)",
  }),
  train: keyOperation({
    method: "POST",
    path: "/predictions/{id}/train",
    tag: TAG,
    permission: "content:write",
    auth: "either",
    summary: "Train now (queued unless a training is already queued or running)",
  }),
};
