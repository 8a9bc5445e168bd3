"use client";

import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from "react";

/**
 * The builder's compact controls: a small label above, the control, and its error below (tied with
 * aria-describedby), so a condition reads as one line of fields: "Event · at least · 3 · in the last · 7 days".
 */
const CONTROL =
  "block w-full rounded-md border-0 bg-white px-2.5 py-1.5 text-sm text-stone-900 shadow-sm ring-1 ring-inset placeholder:text-stone-400 focus:ring-2 focus:ring-inset focus:ring-brand-600 outline-none disabled:bg-stone-50 disabled:text-stone-500";

function Labelled({
  label,
  error,
  width,
  children,
}: {
  label: string;
  error?: string;
  width?: string;
  children: (props: {
    id: string;
    "aria-invalid": boolean;
    "aria-describedby"?: string;
    className: string;
  }) => ReactNode;
}) {
  const id = useId();
  return (
    <div className={`space-y-1 ${width ?? ""}`}>
      <label htmlFor={id} className="block text-xs font-medium text-stone-500">
        {label}
      </label>
      {children({
        id,
        "aria-invalid": !!error,
        "aria-describedby": error ? `${id}-error` : undefined,
        className: `${CONTROL} ${error ? "ring-red-400" : "ring-stone-300"}`,
      })}
      {error ? (
        <p id={`${id}-error`} className="text-xs text-red-700" data-testid="condition-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function MiniInput({
  label,
  error,
  width,
  suggestions,
  ...input
}: { label: string; error?: string; width?: string; suggestions?: string[] } & InputHTMLAttributes<HTMLInputElement>) {
  const listId = useId();
  return (
    <Labelled label={label} error={error} width={width}>
      {(props) => (
        <>
          <input {...props} {...input} list={suggestions?.length ? listId : undefined} autoComplete="off" />
          {suggestions?.length ? (
            <datalist id={listId}>
              {suggestions.map((s) => (
                <option key={s} value={s} />
              ))}
            </datalist>
          ) : null}
        </>
      )}
    </Labelled>
  );
}

export function MiniSelect({
  label,
  error,
  width,
  children,
  ...select
}: { label: string; error?: string; width?: string; children: ReactNode } & SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <Labelled label={label} error={error} width={width}>
      {(props) => (
        <select {...props} {...select}>
          {children}
        </select>
      )}
    </Labelled>
  );
}

/** Two or three choices side by side (All / Any), as radio buttons. */
export function Segmented<T extends string>({
  label,
  value,
  options,
  onChange,
  disabled,
}: {
  label: string;
  value: T;
  options: { value: T; label: string }[];
  onChange: (value: T) => void;
  disabled?: boolean;
}) {
  const name = useId();
  return (
    <div role="radiogroup" aria-label={label} className="inline-flex rounded-md bg-stone-100 p-0.5">
      {options.map((o) => (
        <label
          key={o.value}
          className={`cursor-pointer rounded px-2.5 py-1 text-xs font-semibold has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-600 ${value === o.value ? "bg-white text-stone-900 shadow-sm" : "text-stone-500 hover:text-stone-800"} ${disabled ? "cursor-default" : ""}`}
        >
          <input
            type="radio"
            name={name}
            value={o.value}
            checked={value === o.value}
            onChange={() => onChange(o.value)}
            disabled={disabled}
            className="sr-only"
          />
          {o.label}
        </label>
      ))}
    </div>
  );
}
