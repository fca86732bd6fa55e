import { formatLimit } from "../limits";
import { displayName, formatBytes } from "./names";

/**
 * What files a person may attach to one message on the web, in words the form shows: the hint
 * next to the field and the error when a choice breaks it. Pure: the forms and the actions read it.
 */

/** A file as the form sent it: its name, its size, and whether its bytes were dropped past the limit. */
export type Chosen = { name: string; size: number; over?: boolean };

/** "Up to 20 files, 25 MB in all." */
export const uploadHint = (maxBytes: number, maxFiles: number) => `Up to ${formatLimit(maxFiles)} files, ${formatBytes(maxBytes)} in all.`;

/**
 * The problem with a message's files, or null: more than `maxFiles`, or more than `maxBytes`
 * together. The error names the file that crossed the limit, and the limit.
 */
export function uploadProblem(files: readonly Chosen[], maxBytes: number, maxFiles: number): string | null {
  if (files.length > maxFiles) return `Attach at most ${formatLimit(maxFiles)} files to one message (${formatLimit(files.length)} were chosen).`;
  let total = 0;
  for (const f of files) {
    total += f.size;
    if (f.over || total > maxBytes) {
      const alone = f.size > maxBytes;
      const name = displayName(f.name);
      return alone
        ? `“${name}” is over the ${formatBytes(maxBytes)} limit for attachments.`
        : `“${name}” takes the files over the ${formatBytes(maxBytes)} limit for attachments (all files of one message together).`;
    }
  }
  return null;
}
