import { Route } from "lucide-react";
import type { Metadata } from "next";
import { PageHeader } from "@/components/shell/page-header";
import { PlannedSection } from "@/components/shell/planned-section";

export const metadata: Metadata = { title: "Journeys" };

export default function JourneysPage() {
  return (
    <>
      <PageHeader title="Journeys" description="Draw the paths your customers take: a trigger, waits, conditions, splits and messages, up to a goal." />
      <PlannedSection
        icon={Route}
        heading="No journeys yet"
        points={[
          "Every journey of this workspace, with its status (draft, live, paused, archived) and search",
          "A canvas to draw triggers, delays, waits for events, conditions, A/B splits, messages and goals",
          "Validation that points at the node to fix, versioned publishing with a diff, pause and resume",
          "Live counts on every node: how many people entered, are waiting, and left",
        ]}
      />
    </>
  );
}
