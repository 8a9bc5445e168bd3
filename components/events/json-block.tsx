import { UNKNOWN_TIME } from "./format";

/** Pretty-printed JSON for an event's properties, traits or context. */
export function JsonBlock({ value, label }: { value: unknown; label: string }) {
  return (
    <div className="min-w-0">
      <p className="mb-1.5 text-xs font-medium tracking-wide text-stone-500 uppercase" aria-hidden="true">
        {label}
      </p>
      {/* Focusable and named, so a long block can be scrolled with the keyboard. */}
      <pre
        role="region"
        aria-label={label}
        tabIndex={0}
        className="max-h-80 overflow-auto rounded-md bg-stone-50 px-3 py-2.5 font-mono text-xs leading-relaxed text-stone-800 ring-1 ring-stone-200 ring-inset"
      >
        {JSON.stringify(value, null, 2)}
      </pre>
    </div>
  );
}

/** The parts of an event worth reading in full: properties, traits and context (when present), then its ids. */
export function EventJson({
  event,
}: {
  event: {
    messageId: string;
    type: string;
    properties: Record<string, unknown>;
    traits: Record<string, unknown> | null;
    context: Record<string, unknown> | null;
    timestamp: string | null;
    receivedAt: string | null;
  };
}) {
  const blocks = [
    Object.keys(event.properties).length > 0 || !event.traits ? { label: "Properties", value: event.properties } : null,
    event.traits ? { label: "Traits", value: event.traits } : null,
    event.context ? { label: "Context", value: event.context } : null,
  ].filter((b) => b !== null);
  return (
    <div className="space-y-3">
      <div className={`grid gap-3 ${blocks.length > 1 ? "lg:grid-cols-2" : ""}`}>
        {blocks.map((block) => (
          <JsonBlock key={block.label} label={block.label} value={block.value} />
        ))}
      </div>
      <dl className="flex flex-wrap gap-x-6 gap-y-1 text-xs text-stone-500">
        <div>
          <dt className="inline">Message id </dt>
          <dd className="inline font-mono text-stone-700">{event.messageId}</dd>
        </div>
        <div>
          <dt className="inline">Timestamp </dt>
          <dd className="inline font-mono text-stone-700">{event.timestamp ?? UNKNOWN_TIME}</dd>
        </div>
        <div>
          <dt className="inline">Received </dt>
          <dd className="inline font-mono text-stone-700">{event.receivedAt ?? UNKNOWN_TIME}</dd>
        </div>
      </dl>
    </div>
  );
}
