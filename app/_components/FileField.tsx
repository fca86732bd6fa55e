"use client";

import { useState } from "react";
import { uploadHint, uploadProblem } from "@/lib/files/upload-rules";

/**
 * The "Attachments" field: several files at once, the limits next to it. The server decides
 * (lib/action.ts); with JavaScript a choice that breaks the limits is told at once, in the same
 * words, before anything is sent.
 */
export function FileField({ name, label, errors, maxBytes, maxFiles }: { name: string; label: string; errors?: string[]; maxBytes: number; maxFiles: number }) {
  const [problem, setProblem] = useState<string | null>(null);
  const id = `f-${name}`;
  const shown = problem ? [problem] : errors;
  const describedBy = [shown?.length ? `${id}-error` : null, `${id}-hint`].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <p className="hint" id={`${id}-hint`}>
        {uploadHint(maxBytes, maxFiles)}
      </p>
      <input
        id={id}
        name={name}
        type="file"
        multiple
        aria-invalid={shown?.length ? true : undefined}
        aria-describedby={describedBy}
        onChange={(e) => {
          const files = Array.from(e.currentTarget.files ?? [], (f) => ({ name: f.name, size: f.size }));
          setProblem(uploadProblem(files, maxBytes, maxFiles));
        }}
      />
      {shown?.length ? (
        <p className="field-error" id={`${id}-error`}>
          {shown.join(" ")}
        </p>
      ) : null}
    </div>
  );
}
