import type { NodeType } from "@/lib/journeys/graph";
import { emailStep } from "./action-email";
import { inAppStep } from "./action-in-app";
import { pushStep } from "./action-push";
import { smsStep } from "./action-sms";
import { updateProfileStep } from "./action-update-profile";
import { webhookStep } from "./action-webhook";
import { branch } from "./branch";
import { condition } from "./condition";
import { bestTimeDelay } from "./delay-best-time";
import { durationDelay } from "./delay-duration";
import { timeOfDayDelay } from "./delay-time-of-day";
import { dateTraitDelay } from "./delay-until-date-trait";
import { exit } from "./exit";
import { goal } from "./goal";
import { split } from "./split";
import { apiTrigger } from "./trigger-api";
import { eventTrigger } from "./trigger-event";
import { predictionTrigger } from "./trigger-prediction";
import { scheduleTrigger } from "./trigger-schedule";
import { segmentTrigger } from "./trigger-segment";
import type { NodeDraft, NodeFamily, NodeModule, PaletteGroup } from "./types";
import { waitForEvent } from "./wait-for-event";

/**
 * Every node type the canvas knows, by type: its meta (title, icon, family, palette group, hint), defaults, summary
 * and inspector form, each in its own folder here. The palette, the node renderer and the inspector read this map;
 * its type makes a node type of lib/journeys/graph.ts without a module a compile error.
 */
export const NODE_MODULES: { [T in NodeType]: NodeModule<T> } = {
  "trigger.event": eventTrigger,
  "trigger.segment": segmentTrigger,
  "trigger.prediction": predictionTrigger,
  "trigger.schedule": scheduleTrigger,
  "trigger.api": apiTrigger,
  "delay.duration": durationDelay,
  "delay.time_of_day": timeOfDayDelay,
  "delay.best_time": bestTimeDelay,
  "delay.until_date_trait": dateTraitDelay,
  wait_for_event: waitForEvent,
  condition,
  branch,
  split,
  "action.email": emailStep,
  "action.sms": smsStep,
  "action.push": pushStep,
  "action.in_app": inAppStep,
  "action.webhook": webhookStep,
  "action.update_profile": updateProfileStep,
  goal,
  exit,
};

export const isNodeType = (type: string): type is NodeType => Object.hasOwn(NODE_MODULES, type);

export const PALETTE_GROUPS: PaletteGroup[] = ["Triggers", "Flow", "Actions", "Finish"];

export const FAMILY_STYLE: Record<NodeFamily, { accent: string; icon: string; handle: string }> = {
  trigger: { accent: "text-violet-700", icon: "bg-violet-100 text-violet-700", handle: "!bg-violet-500" },
  delay: { accent: "text-sky-700", icon: "bg-sky-100 text-sky-700", handle: "!bg-sky-500" },
  wait: { accent: "text-cyan-700", icon: "bg-cyan-100 text-cyan-700", handle: "!bg-cyan-500" },
  logic: { accent: "text-amber-700", icon: "bg-amber-100 text-amber-700", handle: "!bg-amber-500" },
  action: { accent: "text-emerald-700", icon: "bg-emerald-100 text-emerald-700", handle: "!bg-emerald-500" },
  finish: { accent: "text-rose-700", icon: "bg-rose-100 text-rose-700", handle: "!bg-rose-500" },
};

/**
 * The one place a node's stored config (a JSON object, `Record<string, unknown>` in the graph) is read as its
 * type's draft. A draft has every field optional and the canvas writes a config only through its type's form, so
 * what a form reads is what a form wrote; a config an API client saved in another shape is still refused where it
 * matters, by validateJourney and at publish.
 */
export function isDraftOf<T extends NodeType>(_type: T, config: unknown): config is NodeDraft<T> {
  return typeof config === "object" && config !== null && !Array.isArray(config);
}

export type { NodeDraft, NodeFamily, NodeModule, PaletteGroup } from "./types";
