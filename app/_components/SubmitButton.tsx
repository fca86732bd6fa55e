"use client";

import { useFormStatus } from "react-dom";

/** The form's button; while the action runs (with JavaScript) it says so and cannot be pressed twice. */
export function SubmitButton({
  children,
  pendingText,
  variant = "primary",
}: {
  children: string;
  pendingText?: string;
  variant?: "primary" | "secondary";
}) {
  const { pending } = useFormStatus();
  return (
    <button type="submit" className={`button ${variant}`} aria-disabled={pending || undefined} disabled={pending}>
      {pending && pendingText ? pendingText : children}
    </button>
  );
}
