import Link from "next/link";
import { redirect } from "next/navigation";
import { getActor } from "@/lib/auth/session";
import { safeNextPath } from "@/lib/auth/paths";
import { signUpClosed, signUpPolicy } from "@/lib/desk/settings";
import { domainsShown } from "@/lib/desk/sign-up-policy";
import { SignUpForm } from "../SignUpForm";

export const metadata = { title: "Create an account" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const next = safeNextPath(typeof sp.next === "string" ? sp.next : null) ?? "";
  if (await getActor()) redirect(next || "/tickets");
  const policy = await signUpPolicy();
  // With sign-up off for everyone the form has nothing to offer (the action refuses it anyway).
  const closed = policy.mode === "nobody" ? await signUpClosed("") : null;
  return (
    <>
      <h1>Create an account</h1>
      {closed ? (
        <p className="notice" role="status">{closed}</p>
      ) : (
        <>
          {policy.mode === "domains" ? (
            <p className="hint">Accounts here are for addresses at {domainsShown(policy)}.</p>
          ) : null}
          <SignUpForm next={next} />
        </>
      )}
      <p className="aside">
        Already have an account? <Link href={next ? `/sign-in?next=${encodeURIComponent(next)}` : "/sign-in"}>Sign in</Link>
      </p>
    </>
  );
}
