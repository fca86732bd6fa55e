import "server-only";
import type { Tx } from "../db";

/**
 * Ends a person's unused set-password links (reset links and invitations), but `keep` (a token):
 * one followed ends the others (onPasswordReset in ./auth.ts), a deactivation ends them all, a new
 * invitation ends the earlier ones. Inside a write().
 */
export async function endSetPasswordLinks(tx: Tx, userId: string, keep: string | null = null) {
  await tx.run(
    `DELETE FROM "verification" WHERE "value" = ? AND substr("identifier", 1, 15) = 'reset-password:' AND "identifier" <> ?`,
    userId, keep === null ? "" : `reset-password:${keep}`,
  );
}
