"use client";

import type { TemplateSummary } from "@/lib/messaging/templates/template-views";
import type { FieldErrors } from "../nodes/types";
import { TemplatePicker } from "./template-picker";

/** The message steps' (email, SMS, push, in-app) whole configuration: one saved template of their channel. */
interface TemplateStepConfig {
  templateId?: string;
}

export function TemplateStepForm({
  config,
  patch,
  err,
  channel,
  channelName,
}: {
  config: TemplateStepConfig;
  patch: (changes: TemplateStepConfig) => void;
  err: FieldErrors;
  channel: TemplateSummary["channel"];
  channelName: string;
}) {
  return (
    <TemplatePicker
      channel={channel}
      channelName={channelName}
      value={config.templateId}
      onChange={(id) => patch({ templateId: id || undefined })}
      error={err("config.templateId")}
    />
  );
}

export const templateStepSummary = (config: TemplateStepConfig, names?: ReadonlyMap<string, string>) =>
  config.templateId ? (names?.get(config.templateId) ?? `Template ${config.templateId}`) : "Choose a template";
