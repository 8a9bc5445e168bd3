export function ApiTriggerForm() {
  return (
    <p className="text-sm text-stone-600">
      Your backend enrolls people with POST /api/v1/journeys/&lt;id&gt;/enroll and a full-scope API key.
    </p>
  );
}
