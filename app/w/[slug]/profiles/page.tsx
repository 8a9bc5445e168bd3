import { Users } from "lucide-react";
import type { Metadata } from "next";
import { PageHeader } from "@/components/shell/page-header";
import { PlannedSection } from "@/components/shell/planned-section";

export const metadata: Metadata = { title: "Profiles" };

export default function ProfilesPage() {
  return (
    <>
      <PageHeader title="Profiles" description="One profile per person, built from the events and identify calls your apps send." />
      <PlannedSection
        icon={Users}
        heading="No profiles yet"
        points={[
          "Search by user id, anonymous id, email or any trait",
          "Each person's traits, identities, consent per channel and time zone",
          "Their event timeline, newest first, with every property",
          "The journeys they are in or went through, and every decision made for them",
        ]}
      />
    </>
  );
}
