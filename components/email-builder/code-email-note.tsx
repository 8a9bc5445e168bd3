/** Under a code email's HTML: why there is no visual editor here (a code template stays code, #20). */
export function CodeEmailNote() {
  return (
    <p className="text-xs text-stone-500" data-testid="code-email-note">
      This email is written in code, and stays code: the visual editor is for emails created as Visual (New template,
      Editor: Visual). Converting HTML into blocks would lose what the code does.
    </p>
  );
}
