import "server-only";
import { generateId } from "better-auth";
import { getAuth } from "./auth";
import { resetPasswordUrl } from "./reset-url";

/**
 * Links that set a password: the one Better Auth mails when someone asks for a reset
 * (emailAndPassword.sendResetPassword in ./auth.ts), the invitation Triage mails a requester it
 * made from mail, who has no password yet (lib/mail/import.ts), and an admin's invitation
 * (lib/people/commands.ts invitePerson). Both are Better Auth's
 * reset-password tokens, followed on /reset-password and used up by auth.api.resetPassword.
 * tests/integration/better-auth-contract.test.ts checks that the installed Better Auth accepts
 * what is made here.
 */

/**
 * A new link that lets `userId` set a password for `seconds` (single-use, like every reset
 * link: following any one of them kills the others, see onPasswordReset in ./auth.ts). The
 * token is made and stored as Better Auth's requestPasswordReset makes and stores its own
 * (generateId(24), a `reset-password:<token>` verification row through its internal adapter),
 * so that however Better Auth keeps verification rows (hashed identifiers, secondary storage),
 * resetPassword finds it.
 *
 * It writes through Better Auth's adapter (Prisma's client), a statement of its own: call
 * it before or after a write(), not inside one (on SQLite Prisma's client refuses to run there;
 * on PostgreSQL the row would stay if the write rolled back). A link made for a person whose
 * write then rolls back names nobody: resetPassword refuses it, and it expires.
 */
export async function createSetPasswordLink(userId: string, seconds: number): Promise<string> {
  const { internalAdapter } = await getAuth(false).$context;
  const token = generateId(24);
  await internalAdapter.createVerificationValue({
    identifier: `reset-password:${token}`,
    value: userId,
    expiresAt: new Date(Date.now() + seconds * 1000),
  });
  return resetPasswordUrl(token);
}
