import "server-only";
import { APIError } from "better-auth/api";
import { read, write } from "../db";
import { accountEvents } from "./events";
import { getAuth } from "./auth";
import { noteExistingSignUp, reserveSignUp } from "./throttle";
import { signUpClosed } from "../desk/settings";

export type SignUpInput = { name: string; email: string; password: string };

export type SignUpResult =
  | { kind: "created" }
  /** The address has an account: nothing was made; its owner is told (lib/mail/reactions.ts). */
  | { kind: "exists" }
  /** Better Auth refused the password (its own length check). */
  | { kind: "password" }
  /** The desk's sign-up setting does not let this address open an account (the message says why). */
  | { kind: "closed"; message: string }
  /** This client made too many accounts this hour, or sent too many wrong passwords. */
  | { kind: "locked"; minutes: number; why: "address" | "signups" };

/**
 * A new account, signed in at once (Better Auth sets the session cookie on this request).
 *
 * Counted per client address first (reserveSignUp). An address that already has an account is
 * refused, and that refusal is made to cost what a new account costs: Better Auth's refusal is a
 * lookup, its sign-up a password hash (about 0.1 s) and a few writes, so the refusal hashes the
 * password it was given, writes (the throttle count, the owner's notice), and then waits until
 * as long as new accounts have lately taken (typicalMs). It counts as a wrong password from this
 * client for that address. What still differs, and cannot without breaking "signed in at once", is
 * the answer itself: README, "What sign-up reveals".
 */
export async function signUp(auth: ReturnType<typeof getAuth>, input: SignUpInput, address: string | null, headers: Headers): Promise<SignUpResult> {
  const started = performance.now();
  const closed = await signUpClosed(input.email);
  if (closed) return { kind: "closed", message: closed };
  const reserved = await reserveSignUp(address);
  if (reserved.why) return { kind: "locked", minutes: reserved.locked, why: reserved.why };
  try {
    await auth.api.signUpEmail({ body: input, headers });
  } catch (e) {
    if (!(e instanceof APIError)) throw e;
    const code = (e.body as { code?: string } | undefined)?.code ?? "";
    if (code.includes("ALREADY_EXISTS") || e.statusCode === 422) {
      await refuseExisting(auth, input, address);
      await waitUntilTypical(started);
      return { kind: "exists" };
    }
    if (code.includes("PASSWORD")) return { kind: "password" };
    throw e;
  }
  noteTypical(performance.now() - started);
  return { kind: "created" };
}

/** The refusal's work: the hash a real sign-up does, the throttle count, and the owner's notice. */
async function refuseExisting(auth: ReturnType<typeof getAuth>, input: SignUpInput, address: string | null) {
  const { password } = await auth.$context;
  await password.hash(input.password);
  const email = input.email.toLowerCase();
  const owner = await read.get<{ id: string }>(`SELECT "id" FROM "user" WHERE "email" = ?`, email);
  const at = new Date();
  await write(async (tx) => {
    await noteExistingSignUp(tx, email, address, at);
    if (owner) await accountEvents.emit(tx, { kind: "sign_up_attempt", userId: owner.id, at });
  }, { exclusive: true });
}

/**
 * How long new accounts have lately taken in this process, end to end (a moving average), or
 * undefined before the first. A refusal answers no sooner than that after it began.
 */
let typicalMs: number | undefined;
const MAX_WAIT_MS = 2000;

function noteTypical(ms: number) {
  typicalMs = typicalMs === undefined ? ms : typicalMs * 0.8 + ms * 0.2;
}

async function waitUntilTypical(started: number) {
  if (typicalMs === undefined) return;
  const left = Math.min(MAX_WAIT_MS, typicalMs - (performance.now() - started));
  if (left > 0) await new Promise((r) => setTimeout(r, left));
}
