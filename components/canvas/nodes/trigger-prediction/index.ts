import { Gauge } from "lucide-react";
import type { NodeModule } from "../types";
import { PredictionTriggerForm } from "./form";

export const predictionTrigger: NodeModule<"trigger.prediction"> = {
  type: "trigger.prediction",
  title: "Prediction tier",
  icon: Gauge,
  family: "trigger",
  group: "Triggers",
  hint: "When someone enters a prediction tier, e.g. high churn risk",
  defaults: () => ({ predictionId: "", tier: "high" }),
  summarize: (config, names) =>
    config.predictionId
      ? `Enters ${config.tier ?? "high"} on ${names?.get(config.predictionId) ? `“${names.get(config.predictionId)}”` : "the prediction"}`
      : "Choose a prediction",
  Form: PredictionTriggerForm,
};
