import type {
  archivePrediction,
  createPrediction,
  trainPredictionNow,
  updatePrediction,
} from "@/lib/predictions/definitions";
import type { TCreatePrediction, TUpdatePrediction } from "@/lib/predictions/definitions-schemas";
import { path, sender } from "@/components/api/request";
import type { Answer } from "@/components/api/types";

/** The Predictions pages' calls: /api/workspaces/[slug]/predictions/… (the session twin of /api/v1/predictions). */
const send = sender("");

export const predictionsClient = {
  create: (slug: string, body: TCreatePrediction) =>
    send<Answer<typeof createPrediction>>("POST", path`/workspaces/${slug}/predictions`, { body }),
  update: (slug: string, id: string, body: TUpdatePrediction) =>
    send<Answer<typeof updatePrediction>>("PATCH", path`/workspaces/${slug}/predictions/${id}`, { body }),
  train: (slug: string, id: string) =>
    send<Answer<typeof trainPredictionNow>>("POST", path`/workspaces/${slug}/predictions/${id}/train`),
  archive: (slug: string, id: string) =>
    send<Answer<typeof archivePrediction>>("POST", path`/workspaces/${slug}/predictions/${id}/archive`),
};
