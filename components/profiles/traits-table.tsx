import { compactValue } from "../events/format";

/** A profile's traits as key/value rows; nested objects and arrays as compact JSON. */
export function TraitsTable({ traits }: { traits: Record<string, unknown> }) {
  const entries = Object.entries(traits).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) {
    return (
      <p className="text-sm text-stone-500">
        No traits yet. An identify call with traits (name, plan, company…) fills this in.
      </p>
    );
  }
  return (
    <table className="w-full text-left text-sm" data-testid="profile-traits">
      <caption className="sr-only">Traits</caption>
      <thead className="sr-only">
        <tr>
          <th>Trait</th>
          <th>Value</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-stone-100">
        {entries.map(([key, value]) => (
          <tr key={key} className="align-top">
            <th scope="row" className="w-1/3 py-2.5 pr-4 font-mono text-xs font-medium break-all text-stone-500">
              {key}
            </th>
            <td className="py-2.5 break-all">
              <TraitValue value={value} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function TraitValue({ value }: { value: unknown }) {
  if (value === null) return <span className="font-mono text-xs text-stone-400">null</span>;
  if (typeof value === "string")
    return (
      <span className="text-stone-900">{value === "" ? <span className="text-stone-400">(empty)</span> : value}</span>
    );
  return <code className="font-mono text-xs text-stone-800">{compactValue(value)}</code>;
}
