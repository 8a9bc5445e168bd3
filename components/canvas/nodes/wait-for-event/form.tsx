"use client";

import { EventNameField, PropertyNameField, useTriggerEventName } from "../../event-fields";
import { DurationFields, Section } from "../../fields/section";
import type { NodeFormProps } from "../types";

export function WaitForEventForm({ config, patch, err }: NodeFormProps<"wait_for_event">) {
  const triggerEvent = useTriggerEventName();
  const match = config.match;
  return (
    <>
      <EventNameField
        label="Event name"
        value={String(config.eventName ?? "")}
        onChange={(v) => patch({ eventName: v })}
        error={err("config.eventName")}
      />
      <DurationFields
        label="Give up after"
        value={config.timeout}
        onChange={(v) => patch({ timeout: v })}
        err={err}
        path="config.timeout"
      />
      <Section
        title="Same as the trigger"
        hint="Optional: the event must carry the trigger's value, e.g. the same cartId."
      >
        <PropertyNameField
          label="Event property"
          eventName={String(config.eventName ?? "")}
          value={String(match?.property ?? "")}
          onChange={(v) => patch({ match: v || match?.triggerProperty ? { ...match, property: v } : undefined })}
          error={err("config.match.property")}
        />
        <PropertyNameField
          label="Trigger property"
          eventName={triggerEvent}
          value={String(match?.triggerProperty ?? "")}
          onChange={(v) => patch({ match: v || match?.property ? { ...match, triggerProperty: v } : undefined })}
          error={err("config.match.triggerProperty")}
        />
      </Section>
    </>
  );
}
