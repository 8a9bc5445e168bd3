"use client";

import { FileUp } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { UploadResult } from "@/lib/segments/upload-members";
import { api } from "../api/client";
import { formatCount } from "../events/format";
import { Button } from "../ui/button";
import { FormAlert } from "../ui/field";

const MAX_BYTES = 10 * 1024 * 1024;

/**
 * A manual segment's members from a CSV of user ids (a `userId` column, or the first column). Replace or
 * append is chosen explicitly every time: nothing is preselected. Afterwards: what changed, and the ids no
 * profile has.
 */
export function CsvUpload({ slug, segmentId }: { slug: string; segmentId: string }) {
  const router = useRouter();
  const [csv, setCsv] = useState("");
  const [fileName, setFileName] = useState<string | null>(null);
  const [mode, setMode] = useState<"replace" | "append" | null>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [report, setReport] = useState<UploadResult | null>(null);

  async function onFile(file: File | undefined) {
    setError(null);
    if (!file) return;
    if (file.size > MAX_BYTES)
      return setError(`That file is ${formatCount(Math.round(file.size / 1000))} KB; upload at most 10 MB at a time.`);
    setFileName(file.name);
    setCsv(await file.text());
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!mode) return setError("Choose whether this file replaces the members or adds to them.");
    if (!csv.trim()) return setError("Choose a CSV file or paste user ids first.");
    setPending(true);
    setError(null);
    setReport(null);
    const result = await api.segments.uploadMembers(slug, segmentId, { mode, csv });
    setPending(false);
    if (!result.ok)
      return setError(
        result.error.hasFields
          ? `${result.error.message} ${Object.entries(result.error.fields)
              .map(([k, v]) => `${k}: ${v}`)
              .join("; ")}`
          : result.error.message,
      );
    setReport(result.data);
    // the next upload starts over: a new list, and replace or append chosen again
    setMode(null);
    setCsv("");
    setFileName(null);
    router.refresh();
  }

  const unknown = report?.unknownIds ?? [];
  const unknownCount = report?.unknown ?? 0;

  return (
    <form method="post" onSubmit={onSubmit} className="space-y-4" noValidate data-testid="csv-upload">
      <FormAlert message={error} />
      <div className="grid gap-4 md:grid-cols-2">
        <div className="space-y-2">
          <label className="flex cursor-pointer items-center gap-3 rounded-lg border border-dashed border-stone-300 bg-stone-50 px-4 py-4 text-sm text-stone-700 hover:bg-stone-100">
            <FileUp className="h-5 w-5 text-stone-400" aria-hidden="true" />
            <span>
              <span className="block font-medium text-stone-900">{fileName ?? "Choose a CSV file"}</span>
              <span className="block text-xs text-stone-500">
                One user id per row, in a “userId” column or the first column.
              </span>
            </span>
            <input
              type="file"
              accept=".csv,text/csv,text/plain"
              className="sr-only"
              aria-label="CSV file"
              onChange={(e) => void onFile(e.target.files?.[0])}
            />
          </label>
          <label className="block text-xs font-medium text-stone-500" htmlFor="csv-text">
            …or paste user ids
          </label>
          <textarea
            id="csv-text"
            rows={4}
            value={csv}
            onChange={(e) => {
              setCsv(e.target.value);
              setFileName(null);
            }}
            placeholder={"userId\nuser-123\nuser-456"}
            className="block w-full rounded-md border-0 bg-white px-3 py-2 font-mono text-xs text-stone-900 shadow-sm ring-1 ring-stone-300 outline-none ring-inset placeholder:text-stone-400 focus:ring-2 focus:ring-brand-600"
          />
        </div>
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-stone-800">What the file does</legend>
          {(
            [
              {
                value: "replace",
                title: "Replace the members",
                text: "Afterwards the segment is exactly the people in this file; everyone else leaves it.",
              },
              { value: "append", title: "Add to the members", text: "The people in this file join; nobody leaves." },
            ] as const
          ).map((o) => (
            <label
              key={o.value}
              className={`flex cursor-pointer gap-3 rounded-lg p-3 ring-1 ring-inset ${mode === o.value ? "bg-brand-50/60 ring-brand-300" : "ring-stone-200 hover:bg-stone-50"}`}
            >
              <input
                type="radio"
                name="csv-mode"
                value={o.value}
                checked={mode === o.value}
                onChange={() => setMode(o.value)}
                className="mt-0.5 accent-brand-700"
              />
              <span>
                <span className="block text-sm font-medium text-stone-900">{o.title}</span>
                <span className="block text-xs text-stone-600">{o.text}</span>
              </span>
            </label>
          ))}
          <Button type="submit" disabled={pending || !mode || !csv.trim()} className="mt-1">
            {pending
              ? "Uploading…"
              : mode === "replace"
                ? "Replace members"
                : mode === "append"
                  ? "Add members"
                  : "Upload"}
          </Button>
        </fieldset>
      </div>
      {report ? (
        <div
          className="rounded-lg bg-stone-50 p-4 text-sm ring-1 ring-stone-200"
          role="status"
          data-testid="csv-report"
        >
          <p className="font-medium text-stone-900">
            {report.mode === "replace" ? "Members replaced" : "Members added"}: {formatCount(report.userIds)} user{" "}
            {report.userIds === 1 ? "id" : "ids"} in the file, {formatCount(report.matched)} matched a profile.
          </p>
          <ul className="mt-1 flex flex-wrap gap-x-5 gap-y-1 text-stone-700">
            <li data-testid="csv-entered">{formatCount(report.entered)} joined</li>
            <li data-testid="csv-exited">{formatCount(report.exited)} left</li>
            <li>now {formatCount(report.memberCount)} in the segment</li>
          </ul>
          {unknownCount ? (
            <div className="mt-3" data-testid="csv-unknown">
              <p className="text-amber-800">
                {formatCount(unknownCount)} {unknownCount === 1 ? "user id matches" : "user ids match"} no profile, so{" "}
                {unknownCount === 1 ? "it was" : "they were"} skipped:
              </p>
              <ul className="mt-1 max-h-40 overflow-auto rounded-md bg-white px-3 py-2 font-mono text-xs text-stone-700 ring-1 ring-stone-200">
                {unknown.map((id) => (
                  <li key={id}>{id}</li>
                ))}
                {unknownCount > unknown.length ? (
                  <li className="font-sans text-stone-500">…and {formatCount(unknownCount - unknown.length)} more</li>
                ) : null}
              </ul>
            </div>
          ) : (
            <p className="mt-2 text-stone-600">Every user id matched a profile.</p>
          )}
        </div>
      ) : null}
    </form>
  );
}
