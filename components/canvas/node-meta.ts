import {
  Bell,
  CalendarClock,
  CalendarDays,
  Clock,
  Code,
  DoorOpen,
  GitBranch,
  GitFork,
  Hourglass,
  Mail,
  MessageSquare,
  PanelTop,
  Split,
  Timer,
  Trophy,
  UserPen,
  Users,
  Webhook,
  Zap,
  type LucideIcon,
} from "lucide-react";
import { nextOccurrence, toWallTime } from "@/lib/engine/schedule";
import { exitsOf, NODE_CONFIGS, type NodeType } from "@/lib/journeys/graph";
import type { JourneyProblem } from "@/lib/journeys/validate";

/** How each node type looks on the canvas and in the palette. The model itself is lib/journeys/graph.ts. */
export type NodeFamily = "trigger" | "delay" | "wait" | "logic" | "action" | "finish";
export type PaletteGroup = "Triggers" | "Flow" | "Actions" | "Finish";

export interface NodeMeta {
  title: string;
  icon: LucideIcon;
  family: NodeFamily;
  group: PaletteGroup;
  /** one line in the palette */
  hint: string;
  /** the configuration a new node starts with (incomplete on purpose where the marketer must choose) */
  defaults: () => Record<string, unknown>;
}

export const NODE_META: Record<NodeType, NodeMeta> = {
  "trigger.event": {
    title: "Event trigger",
    icon: Zap,
    family: "trigger",
    group: "Triggers",
    hint: "When someone does something",
    defaults: () => ({ eventName: "", filters: [] }),
  },
  "trigger.segment": {
    title: "Segment entry",
    icon: Users,
    family: "trigger",
    group: "Triggers",
    hint: "When someone enters a segment",
    defaults: () => ({ segmentId: "" }),
  },
  "trigger.schedule": {
    title: "Schedule",
    icon: CalendarClock,
    family: "trigger",
    group: "Triggers",
    hint: "A segment, at a set time",
    defaults: () => ({ schedule: { kind: "once", at: "" }, timezone: "UTC", segmentId: "" }),
  },
  "trigger.api": {
    title: "API call",
    icon: Code,
    family: "trigger",
    group: "Triggers",
    hint: "Enrolled by your backend",
    defaults: () => ({}),
  },
  "delay.duration": {
    title: "Delay",
    icon: Hourglass,
    family: "delay",
    group: "Flow",
    hint: "Wait a fixed time",
    defaults: () => ({ duration: { amount: 1, unit: "days" } }),
  },
  "delay.time_of_day": {
    title: "Time of day",
    icon: Clock,
    family: "delay",
    group: "Flow",
    hint: "Wait until a local time",
    defaults: () => ({ time: "09:00", fallbackTimezone: "UTC" }),
  },
  "delay.until_date_trait": {
    title: "Until a date",
    icon: CalendarDays,
    family: "delay",
    group: "Flow",
    hint: "Wait for a date trait",
    defaults: () => ({ trait: "" }),
  },
  wait_for_event: {
    title: "Wait for event",
    icon: Timer,
    family: "wait",
    group: "Flow",
    hint: "Until they do it, or time runs out",
    defaults: () => ({ eventName: "", timeout: { amount: 1, unit: "days" } }),
  },
  condition: {
    title: "Condition",
    icon: GitBranch,
    family: "logic",
    group: "Flow",
    hint: "Yes / no",
    defaults: () => ({ rules: { match: "all", rules: [{ kind: "trait", trait: "", operator: "equals", value: "" }] } }),
  },
  branch: {
    title: "Branch",
    icon: GitFork,
    family: "logic",
    group: "Flow",
    hint: "First matching path wins",
    defaults: () => ({
      branches: [
        {
          id: "b1",
          label: "Path 1",
          rules: { match: "all", rules: [{ kind: "trait", trait: "", operator: "equals", value: "" }] },
        },
      ],
    }),
  },
  split: {
    title: "A/B split",
    icon: Split,
    family: "logic",
    group: "Flow",
    hint: "Random split by weight",
    defaults: () => ({
      arms: [
        { id: "a", label: "A", weight: 50 },
        { id: "b", label: "B", weight: 50 },
      ],
    }),
  },
  "action.email": {
    title: "Email",
    icon: Mail,
    family: "action",
    group: "Actions",
    hint: "Send an email",
    defaults: () => ({ templateId: "" }),
  },
  "action.sms": {
    title: "SMS",
    icon: MessageSquare,
    family: "action",
    group: "Actions",
    hint: "Send a text message",
    defaults: () => ({ templateId: "" }),
  },
  "action.push": {
    title: "Push",
    icon: Bell,
    family: "action",
    group: "Actions",
    hint: "Send a push notification",
    defaults: () => ({ templateId: "" }),
  },
  "action.in_app": {
    title: "In-app",
    icon: PanelTop,
    family: "action",
    group: "Actions",
    hint: "Show an in-app message",
    defaults: () => ({ templateId: "" }),
  },
  "action.webhook": {
    title: "Webhook",
    icon: Webhook,
    family: "action",
    group: "Actions",
    hint: "Call your server",
    defaults: () => ({ url: "", method: "POST", headers: {} }),
  },
  "action.update_profile": {
    title: "Update profile",
    icon: UserPen,
    family: "action",
    group: "Actions",
    hint: "Set or remove traits",
    defaults: () => ({ set: {}, unset: [] }),
  },
  goal: {
    title: "Goal",
    icon: Trophy,
    family: "finish",
    group: "Finish",
    hint: "Count a conversion and end",
    defaults: () => ({ eventName: "" }),
  },
  exit: {
    title: "Exit",
    icon: DoorOpen,
    family: "finish",
    group: "Finish",
    hint: "End the journey here",
    defaults: () => ({}),
  },
};

export const PALETTE_GROUPS: PaletteGroup[] = ["Triggers", "Flow", "Actions", "Finish"];

export const TEMPLATE_CHANNEL: Partial<Record<NodeType, string>> = {
  "action.email": "email",
  "action.sms": "SMS",
  "action.push": "push",
  "action.in_app": "in-app",
  "action.webhook": "webhook",
};

export const FAMILY_STYLE: Record<NodeFamily, { accent: string; icon: string; handle: string }> = {
  trigger: { accent: "text-violet-700", icon: "bg-violet-100 text-violet-700", handle: "!bg-violet-500" },
  delay: { accent: "text-sky-700", icon: "bg-sky-100 text-sky-700", handle: "!bg-sky-500" },
  wait: { accent: "text-cyan-700", icon: "bg-cyan-100 text-cyan-700", handle: "!bg-cyan-500" },
  logic: { accent: "text-amber-700", icon: "bg-amber-100 text-amber-700", handle: "!bg-amber-500" },
  action: { accent: "text-emerald-700", icon: "bg-emerald-100 text-emerald-700", handle: "!bg-emerald-500" },
  finish: { accent: "text-rose-700", icon: "bg-rose-100 text-rose-700", handle: "!bg-rose-500" },
};

/** The exits of a node with the words a marketer reads on its handles. */
export function exitLabels(type: NodeType, config: Record<string, unknown>): { id: string; label: string }[] {
  const exits = exitsOf({ type, config });
  const named: Record<string, string> = {
    yes: "Yes",
    no: "No",
    arrived: "Arrived",
    timed_out: "Timed out",
    else: "Else",
    next: "",
  };
  const labelled = new Map<string, string>();
  for (const b of (config.branches as { id: string; label?: string }[] | undefined) ?? [])
    labelled.set(b.id, b.label || b.id);
  for (const a of (config.arms as { id: string; label?: string; weight?: number }[] | undefined) ?? [])
    labelled.set(a.id, `${a.label || a.id}${a.weight ? ` · ${a.weight}%` : ""}`);
  return exits.map((id) => ({
    id,
    label: (type === "branch" || type === "split" ? labelled.get(id) : undefined) ?? named[id] ?? id,
  }));
}

const plural = (n: number, word: string) => `${n} ${n === 1 ? word.replace(/s$/, "") : word}`;
const duration = (d: unknown) => {
  const v = d as { amount?: number; unit?: string } | undefined;
  return v?.amount && v.unit ? plural(v.amount, v.unit) : "—";
};
const quoted = (s: unknown) => (typeof s === "string" && s.trim() ? `“${s.trim()}”` : null);

/** One line about the configuration, shown on the node; `templateNames` has template and segment names by id. */
export function summarize(
  type: NodeType,
  config: Record<string, unknown>,
  templateNames?: ReadonlyMap<string, string>,
): string {
  switch (type) {
    case "trigger.event": {
      const filters = (config.filters as unknown[] | undefined)?.length ?? 0;
      return quoted(config.eventName)
        ? `On ${quoted(config.eventName)}${filters ? ` · ${plural(filters, "filters")}` : ""}`
        : "Choose an event";
    }
    case "trigger.segment": {
      const name = config.segmentId ? templateNames?.get(String(config.segmentId)) : undefined;
      return config.segmentId ? `Segment ${name ? `“${name}”` : String(config.segmentId)}` : "Choose a segment";
    }
    case "trigger.schedule": {
      const name = config.segmentId ? templateNames?.get(String(config.segmentId)) : undefined;
      const s = (config.schedule ?? {}) as { kind?: string; at?: unknown; every?: unknown; startAt?: unknown };
      const wall = (iso: unknown) => toWallTime(iso, String(config.timezone ?? "")).replace("T", " ");
      const when =
        s.kind === "recurring"
          ? `Every ${duration(s.every)}${wall(s.startAt) ? ` from ${wall(s.startAt)}` : ""}`
          : wall(s.at)
            ? `On ${wall(s.at)}`
            : "Choose a time";
      return `${when} · ${config.segmentId ? `segment ${name ? `“${name}”` : String(config.segmentId)}` : "choose a segment"}`;
    }
    case "trigger.api":
      return "POST /api/v1/journeys/…/enroll";
    case "delay.duration":
      return `Wait ${duration(config.duration)}`;
    case "delay.time_of_day":
      return `Until ${String(config.time || "—")} local time`;
    case "delay.until_date_trait":
      return config.trait ? `Until the date in ${String(config.trait)}` : "Choose a date trait";
    case "wait_for_event":
      return quoted(config.eventName)
        ? `${quoted(config.eventName)} within ${duration(config.timeout)}`
        : "Choose an event";
    case "condition": {
      const rules = (config.rules as { match?: string; rules?: unknown[] } | undefined) ?? {};
      return `${rules.match === "any" ? "Any" : "All"} of ${plural(rules.rules?.length ?? 0, "rules")}`;
    }
    case "branch":
      return `${plural((config.branches as unknown[] | undefined)?.length ?? 0, "paths")} + else`;
    case "split": {
      const holdout = (config.holdout as { weight?: number } | undefined)?.weight;
      return `${plural((config.arms as unknown[] | undefined)?.length ?? 0, "arms")}${holdout ? ` · ${holdout}% held out` : ""}`;
    }
    case "action.email":
    case "action.sms":
    case "action.push":
    case "action.in_app":
      return config.templateId
        ? (templateNames?.get(String(config.templateId)) ?? `Template ${String(config.templateId)}`)
        : "Choose a template";
    case "action.webhook": {
      const call = config.url ? `${String(config.method ?? "POST")} ${String(config.url)}` : "Enter a URL";
      // a saved template's name, when the step sends one
      return typeof config.templateId === "string" && config.templateId
        ? `${call} · ${templateNames?.get(config.templateId) ?? "saved template"}`
        : call;
    }
    case "action.update_profile": {
      const set = Object.entries((config.set as Record<string, unknown> | undefined) ?? {});
      const unset = (config.unset as string[] | undefined) ?? [];
      if (!set.length && !unset.length) return "Choose traits";
      const parts = set.map(([k, v]) => `${k} = ${String(v)}`).concat(unset.map((k) => `remove ${k}`));
      return parts.join(", ");
    }
    case "goal":
      return quoted(config.eventName) ? `Converts on ${quoted(config.eventName)}` : "Choose the goal event";
    case "exit":
      return "Leaves the journey";
  }
}

/** Readable field names for problem paths ("config.duration.amount" → "Duration amount"). */
export function fieldName(path: string): string {
  const words: Record<string, string> = {
    eventName: "Event name",
    templateId: "Template",
    segmentId: "Segment",
    filters: "Filter",
    duration: "Duration",
    timeout: "Timeout",
    amount: "amount",
    unit: "unit",
    rules: "Rules",
    branches: "Paths",
    arms: "Arms",
    holdout: "Holdout",
    weight: "weight",
    label: "label",
    url: "URL",
    method: "Method",
    trait: "Trait",
    time: "Time",
    fallbackTimezone: "Fallback time zone",
    timezone: "Time zone",
    schedule: "Schedule",
    at: "date",
    startAt: "start",
    every: "every",
    operator: "operator",
    value: "value",
    property: "property",
    match: "Match",
    triggerProperty: "trigger property",
    set: "Traits",
    unset: "Traits",
    offset: "Offset",
  };
  // "nodes" and "edges" are the journey's own lists: a journey-level problem says what it is about itself
  const parts = path.split(".").filter((p) => p !== "config" && p !== "" && p !== "nodes" && p !== "edges");
  if (parts[0] === "exits") return `${parts[1] === "next" ? "Next step" : `“${parts[1]}” exit`}`;
  const out: string[] = [];
  parts.forEach((p, i) => {
    // a group nested in a group of the same name (a condition's rules.rules) reads once
    if (i > 0 && p === parts[i - 1]) return;
    // a list item: "rules.0" → "Rule 1"
    if (/^\d+$/.test(p)) out.push(`${out.length ? out.pop()!.replace(/s$/, "") : "Item"} ${Number(p) + 1}`);
    else out.push(words[p] ?? p);
  });
  const text = out.join(" ");
  return text ? text[0].toUpperCase() + text.slice(1) : "";
}

/** What a problem means to a marketer, in one line. */
export function describeProblem(problem: JourneyProblem, node: { data: { type: NodeType } } | undefined): string {
  const message = problem.message[0].toUpperCase() + problem.message.slice(1);
  if (node && problem.path === "config.templateId" && TEMPLATE_CHANNEL[node.data.type]) {
    return `Choose an existing ${TEMPLATE_CHANNEL[node.data.type]} template (saved, not archived) for this step; Templates lists them.`;
  }
  if (node && problem.path.endsWith("segmentId"))
    return "Choose an existing segment (not archived) for this step; Segments lists them.";
  // The schedule's times come from a date picker: "must be an ISO 8601 date-time" only means none was chosen.
  if (problem.path === "config.schedule.at" || problem.path === "config.schedule.startAt")
    return `${fieldName(problem.path)}: choose a date and time`;
  const field = fieldName(problem.path);
  return field ? `${field}: ${problem.message}` : message;
}

/**
 * The schedule trigger's next run, for the inspector: the marketer sees what the times they typed mean, and that
 * a time already past never runs (the engine counts occurrences from when a schedule is published).
 */
export function scheduleHint(config: Record<string, unknown>, now: Date = new Date()): string | undefined {
  // the times alone: the hint helps before a segment is chosen
  const parsed = NODE_CONFIGS["trigger.schedule"].pick({ schedule: true, timezone: true }).safeParse(config);
  if (!parsed.success) return undefined;
  const next = nextOccurrence(parsed.data, now);
  if (!next) return "This time has passed: a schedule runs only at times after it is published.";
  return `Next run: ${toWallTime(next.toISOString(), parsed.data.timezone).replace("T", " ")} ${parsed.data.timezone}.`;
}
