import type { TemplateKind } from "../templates/channels";

/**
 * A rendered message as its recipient sees it, for the template preview and for a sent message's page.
 * `fields` are the rendered fields by dotted path (subject, html, text, body, title, cta.label, …). Email
 * HTML renders in a sandboxed iframe: no scripts, no same origin, no navigation.
 */
export function RenderedMessage({
  channel,
  fields: f,
  textOnly,
}: {
  channel: TemplateKind;
  fields: Record<string, string | undefined>;
  textOnly: boolean;
}) {
  return (
    <>
      {channel === "webhook" ? (
        <div className="space-y-3">
          <dl className="space-y-1 font-mono text-xs" data-testid="preview-headers">
            {[
              ["Content-Type", f.contentType ?? ""] as const,
              ...Object.entries(f).flatMap(([path, value]) =>
                path.startsWith("headers.") ? [[path.slice("headers.".length), value ?? ""] as const] : [],
              ),
            ].map(([name, value]) => (
              <div key={name} className="flex gap-2">
                <dt className="shrink-0 text-stone-500">{name}:</dt>
                <dd className="break-all text-stone-900">{value}</dd>
              </div>
            ))}
          </dl>
          <pre
            className="max-h-[32rem] overflow-auto rounded-md bg-stone-900 p-3 font-mono text-xs whitespace-pre-wrap text-stone-100"
            data-testid="preview-body"
          >
            {f.body ?? ""}
          </pre>
        </div>
      ) : channel === "layout" ? (
        <iframe
          title="Layout preview"
          sandbox=""
          srcDoc={f.html ?? ""}
          className="h-[32rem] w-full rounded-md bg-white ring-1 ring-stone-200"
          data-testid="preview-html"
        />
      ) : channel === "partial" ? (
        /<[a-z][\s\S]*>/i.test(f.body ?? "") ? (
          <iframe
            title="Snippet preview"
            sandbox=""
            srcDoc={f.body ?? ""}
            className="h-64 w-full rounded-md bg-white ring-1 ring-stone-200"
            data-testid="preview-html"
          />
        ) : (
          <pre
            className="rounded-md bg-stone-50 p-3 font-sans text-sm whitespace-pre-wrap text-stone-800 ring-1 ring-stone-200"
            data-testid="preview-body"
          >
            {f.body ?? ""}
          </pre>
        )
      ) : channel === "email" ? (
        <div className="space-y-3">
          <dl className="space-y-1 text-sm">
            <div className="flex gap-2">
              <dt className="w-20 shrink-0 text-stone-500">Subject</dt>
              <dd className="font-medium text-stone-900" data-testid="preview-subject">
                {f.subject ?? ""}
              </dd>
            </div>
            {f.preheader ? (
              <div className="flex gap-2">
                <dt className="w-20 shrink-0 text-stone-500">Preheader</dt>
                <dd className="text-stone-700">{f.preheader}</dd>
              </div>
            ) : null}
          </dl>
          {textOnly ? (
            <pre
              className="max-h-[32rem] overflow-auto rounded-md bg-stone-50 p-3 font-sans text-sm whitespace-pre-wrap text-stone-800 ring-1 ring-stone-200"
              data-testid="preview-text"
            >
              {f.text ?? ""}
            </pre>
          ) : (
            <iframe
              title="Email preview"
              sandbox=""
              srcDoc={f.html ?? ""}
              className="h-[32rem] w-full rounded-md bg-white ring-1 ring-stone-200"
              data-testid="preview-html"
            />
          )}
        </div>
      ) : channel === "sms" ? (
        <div className="flex justify-start">
          <p
            className="max-w-xs rounded-2xl rounded-bl-sm bg-stone-100 px-4 py-2.5 text-sm whitespace-pre-wrap text-stone-900"
            data-testid="preview-body"
          >
            {f.body ?? ""}
          </p>
        </div>
      ) : channel === "push" ? (
        <div className="max-w-sm rounded-xl bg-stone-50 p-3 shadow-sm ring-1 ring-stone-200">
          <p className="text-sm font-semibold text-stone-900">{f.title ?? ""}</p>
          <p className="mt-0.5 text-sm whitespace-pre-wrap text-stone-700" data-testid="preview-body">
            {f.body ?? ""}
          </p>
          {f.imageUrl ? <p className="mt-2 truncate text-xs text-stone-500">Image: {f.imageUrl}</p> : null}
          {f.deepLink ? <p className="truncate text-xs text-stone-500">Opens: {f.deepLink}</p> : null}
        </div>
      ) : (
        <div className="max-w-sm rounded-xl bg-white p-4 shadow-md ring-1 ring-stone-200">
          <p className="text-base font-semibold text-stone-900">{f.title ?? ""}</p>
          <p className="mt-1 text-sm whitespace-pre-wrap text-stone-700" data-testid="preview-body">
            {f.body ?? ""}
          </p>
          {f["cta.label"] ? (
            <p className="mt-3">
              <span className="inline-block rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white">
                {f["cta.label"]}
              </span>
              {f["cta.url"] ? <span className="ml-2 text-xs text-stone-500">{f["cta.url"]}</span> : null}
            </p>
          ) : null}
        </div>
      )}
    </>
  );
}
