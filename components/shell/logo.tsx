/** Cairn's mark: three stacked stones. */
export function CairnMark({ className = "h-7 w-7" }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" className={className} aria-hidden="true">
      <rect width="32" height="32" rx="8" className="fill-brand-700" />
      <ellipse cx="16" cy="24" rx="9" ry="3.6" className="fill-brand-100" />
      <ellipse cx="16" cy="17" rx="6.5" ry="3" className="fill-brand-200" />
      <ellipse cx="16" cy="10.5" rx="4" ry="2.6" className="fill-white" />
    </svg>
  );
}

export function CairnLogo() {
  return (
    <span className="flex items-center gap-2.5">
      <CairnMark />
      <span className="text-lg font-semibold tracking-tight text-stone-900">Cairn</span>
    </span>
  );
}
