"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { UploadResult } from "@/lib/catalogs/manage-catalogs";
import type { UploadMode } from "@/lib/catalogs/schemas";
import { Button } from "@/components/ui/button";
import { FormAlert, SelectField } from "@/components/ui/field";
import { catalogsClient } from "./api";

const MAX_BYTES = 20 * 1024 * 1024;

/**
 * Upload a CSV: "Check" runs the dry run (nothing is stored) and shows the counts and every problem by row and
 * column; "Import" is offered only for a checked file without problems, and runs the same upload for real.
 */
export function UploadPanel({ slug, catalogKey }: { slug: string; catalogKey: string }) {
  const router = useRouter();
  const [csv, setCsv] = useState<string | null>(null);
  const [fileName, setFileName] = useState("");
  const [mode, setMode] = useState<UploadMode>("upsert");
  const [checked, setChecked] = useState<UploadResult | null>(null);
  const [done, setDone] = useState<UploadResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function choose(file: File | undefined) {
    setChecked(null);
    setDone(null);
    setError(null);
    if (!file) return setCsv(null);
    if (file.size > MAX_BYTES) {
      setCsv(null);
      return setError("The file is larger than 20 MB; split it.");
    }
    setFileName(file.name);
    setCsv(await file.text());
  }

  async function run(dryRun: boolean) {
    if (csv === null) return;
    setBusy(true);
    setError(null);
    const result = await catalogsClient.upload(slug, catalogKey, csv, mode, dryRun);
    setBusy(false);
    if (!result.ok) {
      setChecked(null);
      const fields = Object.entries(result.error.fields);
      return setError(fields.length ? `${result.error.message}` : result.error.message);
    }
    if (dryRun) setChecked(result.data);
    else {
      setDone(result.data);
      setChecked(null);
      router.refresh();
    }
  }

  return (
    <div className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-[2fr_1fr_auto] sm:items-end">
        <div className="space-y-1.5">
          <label htmlFor="catalog-file" className="block text-sm font-medium text-stone-800">
            CSV file
          </label>
          <input
            id="catalog-file"
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => choose(e.target.files?.[0])}
            className="block w-full text-sm text-stone-700"
          />
          <p className="text-xs text-stone-500">
            A header row with <code>id</code> (and for products{" "}
            <code>name, url, image_url, price, currency, category, in_stock</code>, any other column is kept too).
          </p>
        </div>
        <SelectField
          label="Mode"
          value={mode}
          onChange={(e) => {
            setMode(e.target.value as UploadMode);
            setChecked(null);
          }}
        >
          <option value="upsert">Add and update</option>
          <option value="replace">Replace (remove items not in the file)</option>
        </SelectField>
        <Button variant="secondary" disabled={busy || csv === null} onClick={() => run(true)}>
          Check
        </Button>
      </div>
      <FormAlert message={error} />
      {checked ? (
        <div className="space-y-3 rounded-lg bg-stone-50 p-4 ring-1 ring-stone-200" aria-live="polite">
          <p className="text-sm text-stone-800">
            <strong>{fileName}</strong>: {checked.rows} rows — {checked.new} new, {checked.changed} changed,{" "}
            {checked.unchanged} unchanged{checked.mode === "replace" ? `, ${checked.removed} removed` : ""}. Nothing has
            been stored yet.
          </p>
          {checked.problemCount ? (
            <>
              <p className="text-sm font-medium text-red-800">
                {checked.problemCount} problem{checked.problemCount === 1 ? "" : "s"}: fix the file and check it again.
              </p>
              <table className="w-full text-left text-sm">
                <thead className="text-stone-500">
                  <tr>
                    <th className="py-1 pr-4 font-medium">Row</th>
                    <th className="py-1 pr-4 font-medium">Column</th>
                    <th className="py-1 font-medium">Problem</th>
                  </tr>
                </thead>
                <tbody>
                  {checked.problems.map((p) => (
                    <tr key={`${p.row}-${p.column}-${p.message}`} className="border-t border-stone-200">
                      <td className="py-1 pr-4 tabular-nums">{p.row}</td>
                      <td className="py-1 pr-4 font-mono">{p.column}</td>
                      <td className="py-1">{p.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : (
            <Button disabled={busy} onClick={() => run(false)}>
              Import
            </Button>
          )}
        </div>
      ) : null}
      {done ? (
        <p role="status" className="text-sm text-emerald-800">
          Imported: {done.new} new, {done.changed} changed{done.mode === "replace" ? `, ${done.removed} removed` : ""}.
        </p>
      ) : null}
    </div>
  );
}
