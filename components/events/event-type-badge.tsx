import { Badge } from "../ui/card";

const TONES: Record<string, "stone" | "brand" | "amber"> = { track: "brand", identify: "amber" };

/** The Segment call an event came from: track, identify, page, screen, alias, group. */
export function EventTypeBadge({ type }: { type: string }) {
  return <Badge tone={TONES[type] ?? "stone"}>{type}</Badge>;
}
