import "server-only";
import { env } from "../env";
import { readOrCreateSecret } from "./secret-file";

/** The secret that signs session cookies, links and tokens (lib/auth/secret-file.ts says where it comes from). */
let known: string | undefined;

export function authSecret(): string {
  known ??= readOrCreateSecret(env());
  return known;
}
