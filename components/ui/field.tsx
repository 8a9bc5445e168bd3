import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from "react";

// A disabled control must look it (grey, dimmed, no pointer), or people type into it and wonder why nothing happens.
export const DISABLED_CONTROL =
  "disabled:cursor-not-allowed disabled:bg-stone-100 disabled:text-stone-500 disabled:opacity-70 disabled:shadow-none";

const CONTROL = `block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-stone-900 shadow-sm ring-1 ring-inset placeholder:text-stone-400 focus:ring-2 focus:ring-inset focus:ring-brand-600 outline-none ${DISABLED_CONTROL}`;

interface FieldProps {
  label: string;
  error?: string;
  hint?: ReactNode;
}

interface ControlProps {
  id: string;
  "aria-invalid": boolean;
  "aria-describedby"?: string;
  className: string;
}

/** Label, control and its message: the error is announced and tied to the control (aria-describedby). */
function Field({ label, error, hint, control }: FieldProps & { control: (props: ControlProps) => ReactNode }) {
  const id = useId();
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium text-stone-800">
        {label}
      </label>
      {control({
        id,
        "aria-invalid": !!error,
        "aria-describedby": error ? `${id}-error` : hint ? `${id}-hint` : undefined,
        className: `${CONTROL} ${error ? "ring-red-400" : "ring-stone-300"}`,
      })}
      {error ? (
        <p id={`${id}-error`} role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="text-xs text-stone-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

export function TextField({ label, error, hint, ...input }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  return <Field label={label} error={error} hint={hint} control={(props) => <input {...props} {...input} />} />;
}

export function SelectField({
  label,
  error,
  hint,
  children,
  ...select
}: FieldProps & SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <Field
      label={label}
      error={error}
      hint={hint}
      control={(props) => (
        <select {...props} {...select}>
          {children}
        </select>
      )}
    />
  );
}

export function FormAlert({ message }: { message?: string | null }) {
  if (!message) return null;
  return (
    <div role="alert" className="rounded-md bg-red-50 px-3 py-2.5 text-sm text-red-800 ring-1 ring-inset ring-red-200">
      {message}
    </div>
  );
}
