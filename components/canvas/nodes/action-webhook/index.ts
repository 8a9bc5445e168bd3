import { Webhook } from "lucide-react";
import type { NodeModule } from "../types";
import { WebhookForm } from "./form";

export const webhookStep: NodeModule<"action.webhook"> = {
  type: "action.webhook",
  title: "Webhook",
  icon: Webhook,
  family: "action",
  group: "Actions",
  hint: "Call your server",
  defaults: () => ({ url: "", method: "POST", headers: {} }),
  summarize: (config, names) => {
    const call = config.url ? `${String(config.method ?? "POST")} ${String(config.url)}` : "Enter a URL";
    // a saved template's name, when the step sends one
    return config.templateId ? `${call} · ${names?.get(config.templateId) ?? "saved template"}` : call;
  },
  Form: WebhookForm,
  template: { channel: "webhook", name: "webhook" },
};
