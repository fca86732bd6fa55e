import type { FormState } from "@/lib/forms";

/**
 * The form's overall outcome. Problems are an alert (announced at once); confirmations are a
 * polite status message.
 */
export function FormMessage({ state, id }: { state: FormState; id?: string }) {
  if (!state.message) return null;
  const ok = state.ok === true;
  return (
    <p id={id} className={ok ? "notice success" : "notice error"} role={ok ? "status" : "alert"}>
      {state.message}
    </p>
  );
}
