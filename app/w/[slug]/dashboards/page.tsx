import { BarChart3 } from "lucide-react";
import type { Metadata } from "next";
import { PageHeader } from "@/components/shell/page-header";
import { PlannedSection } from "@/components/shell/planned-section";

export const metadata: Metadata = { title: "Dashboards" };

export default function DashboardsPage() {
  return (
    <>
      <PageHeader title="Dashboards" description="How your journeys perform. Everyone in the workspace, viewers included, can read them." />
      <PlannedSection
        icon={BarChart3}
        heading="No data to chart yet"
        points={[
          "Workspace overview: events per day, active enrollments, messages by channel and status, conversions",
          "Journey funnels through every node, delivery rates per channel, conversion per node",
          "A/B experiments with honest statistics: lift with confidence intervals, chance to win, sample-ratio checks",
        ]}
      />
    </>
  );
}
