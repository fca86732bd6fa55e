/**
 * Better Auth contract, address proof: Triage mails the token Better Auth's email verification
 * makes on sign-up (emailVerification.sendVerificationEmail in lib/auth/auth.ts), reads the
 * account it names without checking it (lib/auth/address-proof.ts, proofTokenAccount), and has
 * Better Auth's verifyEmail check it and set emailVerified. Upgrading Better Auth runs this file.
 */
import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  // Mail on: sign-up sends the proof link (with mail off there is nothing to prove).
  process.env.TRIAGE_SMTP_URL = "smtp://127.0.0.1:9";
});

const { createEmailVerificationToken } = await import("better-auth/api");
const { getAuth, PROOF_LINK_SECONDS } = await import("@/lib/auth/auth");
const { confirmAddress, proofTokenAccount } = await import("@/lib/auth/address-proof");
const { isProofToken } = await import("@/lib/auth/schema");
const { models, read } = await import("@/lib/db");
const { env } = await import("@/lib/env");

const auth = () => getAuth(false);
const PASSWORD = "correct horse battery";

async function signUp(email: string) {
  const { user } = await auth().api.signUpEmail({ body: { name: "Proof Person", email, password: PASSWORD } });
  return user;
}

async function proofLink(email: string) {
  const rows = await read.all<{ text: string }>(`SELECT "text" FROM "outbound_mail" WHERE "toAddress" = ? AND "kind" = 'address_proof'`, email);
  expect(rows).toHaveLength(1);
  const m = /(https?:\/\/\S+\/confirm-address\?token=(\S+))/.exec(rows[0].text)!;
  return { url: m[1], token: decodeURIComponent(m[2]) };
}

describe("Better Auth contract: address proof", () => {
  it("sign-up (mail on) mails one link to /confirm-address with Better Auth's token, naming the account", async () => {
    const user = await signUp("proof1@example.com");
    const { url, token } = await proofLink("proof1@example.com");
    expect(url.startsWith(`${env().publicUrl}/confirm-address?token=`)).toBe(true);
    expect(isProofToken(token)).toBe(true);
    expect(proofTokenAccount(token)).toBe(user.id);
    const payload = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()) as { email: string; exp: number; iat: number };
    expect(payload.email).toBe("proof1@example.com");
    expect(payload.exp - payload.iat).toBe(PROOF_LINK_SECONDS);
  });

  it("verifyEmail takes it and sets emailVerified; again is no error", async () => {
    const user = await signUp("proof2@example.com");
    const { token } = await proofLink("proof2@example.com");
    expect((await models.user.findUniqueOrThrow({ where: { id: user.id } })).emailVerified).toBe(false);
    await auth().api.verifyEmail({ query: { token } });
    expect((await models.user.findUniqueOrThrow({ where: { id: user.id } })).emailVerified).toBe(true);
    await auth().api.verifyEmail({ query: { token } });
  });

  it("confirmAddress: the account's own, signed in, confirms; another account or a bad token does not", async () => {
    const user = await signUp("proof3@example.com");
    const other = await signUp("proof4@example.com");
    const { token } = await proofLink("proof3@example.com");
    const actor = (id: string) => ({ id, name: "x", role: "requester" as const });
    expect(await confirmAddress(actor(other.id), token)).toBe("other_account");
    const secret = (await auth().$context).secret;
    const expired = await createEmailVerificationToken(secret, "proof3@example.com", undefined, -10, { userId: user.id });
    expect(await confirmAddress(actor(user.id), expired)).toBe("invalid");
    const foreign = await createEmailVerificationToken(`${secret}-not`, "proof3@example.com", undefined, 3600, { userId: user.id });
    expect(await confirmAddress(actor(user.id), foreign)).toBe("invalid");
    // A genuine token for another address, relabelled as this account: Better Auth sees the mismatch.
    const othersToken = (await proofLink("proof4@example.com")).token;
    const [h, , s] = othersToken.split(".");
    const relabelled = `${h}.${Buffer.from(JSON.stringify({ email: "proof4@example.com", userId: user.id })).toString("base64url")}.${s}`;
    expect(await confirmAddress(actor(user.id), relabelled)).toBe("invalid");
    expect((await models.user.findUniqueOrThrow({ where: { id: user.id } })).emailVerified).toBe(false);

    expect(await confirmAddress(actor(user.id), token)).toBe("confirmed");
    expect((await models.user.findUniqueOrThrow({ where: { id: user.id } })).emailVerified).toBe(true);
    expect((await models.user.findUniqueOrThrow({ where: { id: other.id } })).emailVerified).toBe(false);
  });

  it("a token for an address the account no longer has is refused", async () => {
    const user = await signUp("proof5@example.com");
    const { token } = await proofLink("proof5@example.com");
    await models.user.update({ where: { id: user.id }, data: { email: "moved5@example.com" } });
    expect(await confirmAddress({ id: user.id, name: "x", role: "requester" }, token)).toBe("invalid");
    expect((await models.user.findUniqueOrThrow({ where: { id: user.id } })).emailVerified).toBe(false);
  });
});
