"use client";

import { Plus } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { JourneyDetail } from "@/lib/journeys/journey-views";
import { api } from "../api/client";
import { Button } from "../ui/button";
import { NameDialog } from "../ui/name-dialog";

/** "New journey": name it, create it, open it on the canvas. */
export function NewJourneyButton({ slug, label = "New journey" }: { slug: string; label?: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button onClick={() => setOpen(true)}>
        <Plus className="h-4 w-4" aria-hidden="true" />
        {label}
      </Button>
      {open ? <NewJourneyDialog slug={slug} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

function NewJourneyDialog({ slug, onClose }: { slug: string; onClose: () => void }) {
  const router = useRouter();
  return (
    <NameDialog<JourneyDetail>
      fieldLabel="Journey name"
      title="New journey"
      description="Name it for the people on your team: what it does and for whom."
      placeholder="e.g. Onboarding: first week"
      submitLabel="Create and open"
      pendingLabel="Creating…"
      save={(name) => api.journeys.create(slug, { name })}
      onDone={(created) => router.push(`/w/${slug}/journeys/${created.id}`)}
      onClose={onClose}
    />
  );
}
