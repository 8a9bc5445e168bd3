"use client";

import { useParams } from "next/navigation";
import type { TemplateSummary } from "@/lib/messaging/templates/template-views";
import { TopicField } from "../../topics/topic-field";
import type { FieldErrors } from "../nodes/types";
import { SendTimeField, type SendTimeDraft, WITHIN_WORDS } from "./send-time-field";
import { TemplatePicker } from "./template-picker";

/**
 * The message steps' (email, SMS, push, in-app) whole configuration: one saved template of their channel, and
 * optionally the subscription topic the message belongs to, and when it goes (at once, or at the person's best time).
 */
interface TemplateStepConfig {
  templateId?: string;
  topicId?: string;
  sendTime?: SendTimeDraft;
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
  const { slug } = useParams<{ slug: string }>();
  return (
    <div className="space-y-4">
      <TemplatePicker
        channel={channel}
        channelName={channelName}
        value={config.templateId}
        onChange={(id) => patch({ templateId: id || undefined })}
        error={err("config.templateId")}
      />
      <TopicField
        slug={slug}
        value={config.topicId ?? ""}
        error={err("config.topicId")}
        readOnly={false}
        onChange={(topicId) => patch({ topicId: topicId || undefined })}
        testId="step-topic"
      />
      <SendTimeField value={config.sendTime} onChange={(sendTime) => patch({ sendTime })} err={err} />
    </div>
  );
}

export const templateStepSummary = (config: TemplateStepConfig, names?: ReadonlyMap<string, string>) => {
  const name = config.templateId
    ? (names?.get(config.templateId) ?? `Template ${config.templateId}`)
    : "Choose a template";
  return config.sendTime?.mode === "best"
    ? `${name} · best time within ${WITHIN_WORDS[String(config.sendTime.within)] ?? "—"}`
    : name;
};
