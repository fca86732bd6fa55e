import Link from "next/link";
import { redirect } from "next/navigation";
import { getActor } from "@/lib/auth/session";
import { safeNextPath } from "@/lib/auth/paths";
import { SignInForm } from "../SignInForm";

export const metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const next = safeNextPath(typeof sp.next === "string" ? sp.next : null) ?? "";
  if (await getActor()) redirect(next || "/tickets");
  return (
    <>
      <h1>Sign in</h1>
      {sp.reset === "1" ? (
        <p className="notice success" role="status">
          Your new password is set. Sign in with it.
        </p>
      ) : null}
      <SignInForm next={next} />
      <p className="aside">
        <Link href="/forgot-password" prefetch={false}>Forgot password?</Link>
      </p>
      <p className="aside">
        New here? <Link href={next ? `/sign-up?next=${encodeURIComponent(next)}` : "/sign-up"}>Create an account</Link>
      </p>
    </>
  );
}
