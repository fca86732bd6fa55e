/**
 * With mail off (no TRIAGE_SMTP_URL) there is nothing to prove: a sign-up queues no proof link,
 * and a sign-up with a known address queues no notice.
 */
import { describe, expect, it } from "vitest";
import { getAuth } from "@/lib/auth/auth";
import { signUp } from "@/lib/auth/sign-up";
import { read } from "@/lib/db";
import { env } from "@/lib/env";

describe("accounts with mail off", () => {
  it("no proof link on sign-up, no notice of a second sign-up", async () => {
    expect(env().TRIAGE_SMTP_URL).toBeUndefined();
    const auth = getAuth(false);
    const input = { name: "Mo Mailless", email: "mailless@example.com", password: "correct horse battery" };
    expect(await signUp(auth, input, "192.0.2.1", new Headers())).toEqual({ kind: "created" });
    expect(await signUp(auth, input, "192.0.2.2", new Headers())).toEqual({ kind: "exists" });
    expect(await read.all(`SELECT "kind" FROM "outbound_mail"`)).toEqual([]);
  });
});
