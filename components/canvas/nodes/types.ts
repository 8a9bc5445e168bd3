import type { LucideIcon } from "lucide-react";
import type { ComponentType } from "react";
import type { z } from "zod";
import type { NODE_CONFIGS, NodeType } from "@/lib/journeys/graph";
import type { TemplateSummary } from "@/lib/messaging/templates/template-views";

/** How a node type looks on the canvas and in the palette. The model itself is lib/journeys/graph.ts. */
export type NodeFamily = "trigger" | "delay" | "wait" | "logic" | "action" | "finish";
export type PaletteGroup = "Triggers" | "Flow" | "Actions" | "Finish";

/** Every field optional, all the way down: what a form holds while it is being filled in. */
export type Draft<T> = T extends readonly (infer U)[]
  ? Draft<U>[]
  : T extends object
    ? { [K in keyof T]?: Draft<T[K]> }
    : T;

/** A node's configuration as its zod schema accepts it (defaults still to apply). */
export type NodeConfigInput<T extends NodeType> = z.input<(typeof NODE_CONFIGS)[T]>;

/**
 * A node's configuration while it is being edited: the shape of its zod config with every field optional,
 * because a draft is saved as the marketer types (an event name not chosen yet, an amount cleared).
 */
export type NodeDraft<T extends NodeType> = Draft<NodeConfigInput<T>>;

/** Field messages by problem path ("config.duration.amount"), capitalised for display. */
export type FieldErrors = (path: string) => string | undefined;

export interface NodeFormProps<T extends NodeType> {
  type: T;
  config: NodeDraft<T>;
  /** top-level fields to change; a field set to undefined is removed from the config */
  patch: (changes: Partial<NodeDraft<T>>) => void;
  /** the whole config at once, for changes that keep fields consistent with each other */
  replace: (config: NodeDraft<T>) => void;
  err: FieldErrors;
}

export interface NodeModule<T extends NodeType> {
  type: T;
  title: string;
  icon: LucideIcon;
  family: NodeFamily;
  group: PaletteGroup;
  /** one line in the palette */
  hint: string;
  /** the configuration a new node starts with (incomplete on purpose where the marketer must choose) */
  defaults: () => NodeConfigInput<T>;
  /** one line about the configuration, shown on the node; `names` has template and segment names by id */
  summarize: (config: NodeDraft<T>, names?: ReadonlyMap<string, string>) => string;
  /** the inspector's form for the configuration */
  Form: ComponentType<NodeFormProps<T>>;
  /** the words on named exits that come from the configuration (a branch's paths, a split's arms) */
  exitLabels?: (config: NodeDraft<T>) => Map<string, string>;
  /** message steps: which saved templates they send, and the channel's name in sentences */
  template?: { channel: TemplateSummary["channel"]; name: string };
}
