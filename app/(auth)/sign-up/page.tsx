import Link from "next/link";
import { redirect } from "next/navigation";
import { getActor } from "@/lib/auth/session";
import { safeNextPath } from "@/lib/auth/paths";
import { SignUpForm } from "../SignUpForm";

export const metadata = { title: "Create an account" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const next = safeNextPath(typeof sp.next === "string" ? sp.next : null) ?? "";
  if (await getActor()) redirect(next || "/tickets");
  return (
    <>
      <h1>Create an account</h1>
      <SignUpForm next={next} />
      <p className="aside">
        Already have an account? <Link href={next ? `/sign-in?next=${encodeURIComponent(next)}` : "/sign-in"}>Sign in</Link>
      </p>
    </>
  );
}
