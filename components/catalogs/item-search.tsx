"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";

/** Search a catalog's items by id, name or category (the query goes in the URL; no GET form). */
export function ItemSearch({ base, q }: { base: string; q: string }) {
  const router = useRouter();
  const [value, setValue] = useState(q);
  const go = () => router.push(value.trim() ? `${base}?q=${encodeURIComponent(value.trim())}` : base);
  return (
    <div className="flex gap-2">
      <input
        aria-label="Search items"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter") go();
        }}
        placeholder="Id, name or category"
        className="block w-64 rounded-md border-0 px-3 py-2 text-sm ring-1 ring-inset ring-stone-300 focus:ring-2 focus:ring-brand-600 outline-none"
      />
      <Button variant="secondary" onClick={go}>
        Search
      </Button>
    </div>
  );
}
