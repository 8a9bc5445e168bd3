"use client";

import { Plus } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { JourneyDetail } from "@/lib/journeys/journeys";
import { Button } from "../ui/button";
import { FormAlert, TextField } from "../ui/field";
import { useApiForm } from "../ui/use-api-form";
import { Dialog } from "./dialog";

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
  const [name, setName] = useState("");
  const { pending, formError, fieldErrors, submit } = useApiForm();
  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const created = await submit<JourneyDetail>("POST", `/api/workspaces/${slug}/journeys`, { name });
    if (created) router.push(`/w/${slug}/journeys/${created.id}`);
  }
  return (
    <Dialog title="New journey" description="Name it for the people on your team: what it does and for whom." onClose={onClose}>
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <FormAlert message={formError} />
        <TextField label="Journey name" placeholder="e.g. Onboarding: first week" value={name} onChange={(e) => setName(e.target.value)} error={fieldErrors.name} autoFocus maxLength={120} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={pending}>
            {pending ? "Creating…" : "Create and open"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
