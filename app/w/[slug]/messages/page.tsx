import { Mail } from "lucide-react";
import type { Metadata } from "next";
import { PageHeader } from "@/components/shell/page-header";
import { PlannedSection } from "@/components/shell/planned-section";

export const metadata: Metadata = { title: "Messages" };

export default function MessagesPage() {
  return (
    <>
      <PageHeader title="Messages" description="Every email, SMS, push, in-app message and webhook your journeys send." />
      <PlannedSection
        icon={Mail}
        heading="No messages yet"
        points={[
          "Templates with live preview for a real profile, versioned",
          "Each message as sent, with its status timeline: queued, sent, delivered, opened, clicked, or why it was suppressed",
          "Search by person, journey, channel and status",
          "An outbox of the mail caught by Cairn's local mail server when no SMTP server is configured",
        ]}
      />
    </>
  );
}
