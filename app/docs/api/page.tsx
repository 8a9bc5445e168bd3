import type { Metadata } from "next";
import { apiReference, type ReferenceOperation } from "@/lib/api/reference";
import { publicBaseUrl } from "@/lib/messaging/tracking";

// The curl examples name this server's public URL, which is configuration read at request time.
export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "API reference" };

const METHOD_COLORS: Record<string, string> = {
  GET: "bg-sky-100 text-sky-800",
  POST: "bg-emerald-100 text-emerald-800",
  PUT: "bg-amber-100 text-amber-800",
  PATCH: "bg-amber-100 text-amber-800",
  DELETE: "bg-red-100 text-red-800",
  OPTIONS: "bg-stone-100 text-stone-700",
};

function slugOf(tag: string): string {
  return tag.toLowerCase().replace(/[^a-z0-9]+/g, "-");
}

function Operation({ operation }: { operation: ReferenceOperation }) {
  return (
    <section
      id={operation.id}
      className="rounded-lg bg-white p-5 ring-1 ring-stone-200"
      aria-labelledby={`${operation.id}-title`}
    >
      <h3 id={`${operation.id}-title`} className="flex flex-wrap items-center gap-2 font-mono text-sm">
        <span className={`rounded px-2 py-0.5 text-xs font-semibold ${METHOD_COLORS[operation.method] ?? ""}`}>
          {operation.method}
        </span>
        <span className="text-stone-900">{operation.path}</span>
      </h3>
      <p className="mt-2 text-sm font-medium text-stone-900">{operation.summary}</p>
      {operation.description ? <p className="mt-1 text-sm text-stone-600">{operation.description}</p> : null}
      <p className="mt-1 text-sm text-stone-600">
        <span className="font-medium text-stone-700">Who may call:</span> {operation.access}
      </p>
      {operation.body ? (
        <p className="mt-1 text-sm text-stone-600">
          <span className="font-medium text-stone-700">Body:</span> <code>{operation.body.contentType}</code>
          {operation.body.description ? <> — {operation.body.description}</> : null}
        </p>
      ) : null}
      {operation.fields.length ? (
        <table className="mt-3 w-full text-left text-sm">
          <thead className="text-xs tracking-wide text-stone-500 uppercase">
            <tr>
              <th className="py-1 pr-3 font-medium">Name</th>
              <th className="py-1 pr-3 font-medium">In</th>
              <th className="py-1 pr-3 font-medium">Type</th>
              <th className="py-1 font-medium">Notes</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {operation.fields.map((field) => (
              <tr key={`${field.where}-${field.name}`}>
                <td className="py-1 pr-3 font-mono text-xs text-stone-900">{field.name}</td>
                <td className="py-1 pr-3 text-stone-600">{field.where}</td>
                <td className="py-1 pr-3 font-mono text-xs text-stone-700">{field.type}</td>
                <td className="py-1 text-stone-600">
                  {field.required ? "required" : "optional"}
                  {field.description ? `; ${field.description}` : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <pre className="mt-3 overflow-x-auto rounded-md bg-stone-900 p-3 text-xs text-stone-100">
        <code>{operation.curl}</code>
      </pre>
    </section>
  );
}

/** The public API's reference, from the same operation list and schemas as /api/v1/openapi.json; no JavaScript needed. */
export default function ApiReferencePage() {
  const groups = apiReference(publicBaseUrl());
  return (
    <main className="mx-auto max-w-5xl px-6 py-10">
      <h1 className="text-2xl font-semibold text-stone-900">Cairn API reference</h1>
      <p className="mt-2 max-w-3xl text-sm text-stone-600">
        Send an API key (Settings → API keys) as <code>Authorization: Bearer &lt;key&gt;</code> or as the HTTP Basic
        username. A write key may only send events; a full key reads and changes journeys, segments and templates. Every
        error answers <code>{'{ "error": { "code", "message", "fields"? } }'}</code>: 401 without a valid key, 403 when
        its scope does not allow the call, 404 for what is not in the key&apos;s workspace, 422 naming each bad field or
        query parameter. The machine-readable document is{" "}
        <a href="/api/v1/openapi.json" className="text-brand-700 underline">
          /api/v1/openapi.json
        </a>{" "}
        (OpenAPI 3.1).
      </p>
      <nav aria-label="Groups" className="mt-6 flex flex-wrap gap-2 text-sm">
        {groups.map(({ tag }) => (
          <a
            key={tag}
            href={`#${slugOf(tag)}`}
            className="rounded-md px-2 py-1 text-brand-700 ring-1 ring-stone-200 hover:bg-stone-50"
          >
            {tag}
          </a>
        ))}
      </nav>
      {groups.map(({ tag, operations }) => (
        <section key={tag} id={slugOf(tag)} className="mt-10" aria-labelledby={`${slugOf(tag)}-title`}>
          <h2 id={`${slugOf(tag)}-title`} className="text-lg font-semibold text-stone-900">
            {tag}
          </h2>
          <div className="mt-4 space-y-4">
            {operations.map((operation) => (
              <Operation key={operation.id} operation={operation} />
            ))}
          </div>
        </section>
      ))}
    </main>
  );
}
