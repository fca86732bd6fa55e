import { env } from "../env";

/** The page where a set-password link lands: the only place its address is spelled. */
export function resetPasswordUrl(token: string): string {
  return `${env().publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
}
