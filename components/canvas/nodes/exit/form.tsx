export function ExitForm() {
  return <p className="text-sm text-stone-600">People who reach this step leave the journey.</p>;
}
