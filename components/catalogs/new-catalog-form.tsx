"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { FormAlert, SelectField, TextField } from "@/components/ui/field";
import { catalogsClient } from "./api";

/** Catalogs → new catalog: a key templates use, a name, and whether it is a product catalog or a lookup table. */
export function NewCatalogForm({ slug }: { slug: string }) {
  const router = useRouter();
  const [key, setKey] = useState("");
  const [name, setName] = useState("");
  const [kind, setKind] = useState<"products" | "lookup">("products");
  const [fields, setFields] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    const result = await catalogsClient.create(slug, { key, name, kind });
    setBusy(false);
    if (!result.ok) {
      setFields(result.error.fields);
      setMessage(result.error.hasFields ? null : result.error.message);
      return;
    }
    router.push(`/w/${slug}/catalogs/${result.data.key}`);
  }

  return (
    <form method="post" onSubmit={submit} className="grid gap-4 sm:grid-cols-[1fr_1fr_auto_auto] sm:items-end">
      <TextField
        label="Key"
        value={key}
        onChange={(e) => setKey(e.target.value)}
        placeholder="products"
        error={fields.key}
        hint="Templates name it: {% catalog products id: … %}"
      />
      <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={fields.name} />
      <SelectField
        label="Kind"
        value={kind}
        onChange={(e) => setKind(e.target.value as "products" | "lookup")}
        error={fields.kind}
      >
        <option value="products">Products</option>
        <option value="lookup">Lookup table</option>
      </SelectField>
      <Button type="submit" disabled={busy || !key || !name}>
        Create
      </Button>
      <div className="sm:col-span-4">
        <FormAlert message={message} />
      </div>
    </form>
  );
}
