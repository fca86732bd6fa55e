import Link from "next/link";
import { ResetPasswordForm } from "../ResetPasswordForm";
import { EXPIRED_LINK } from "@/lib/auth/schema";

export const metadata = { title: "Set a new password" };

export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const token = typeof sp.token === "string" && /^[A-Za-z0-9_-]{1,200}$/.test(sp.token) ? sp.token : null;
  return (
    <>
      <h1>Set a new password</h1>
      {token ? (
        <ResetPasswordForm token={token} />
      ) : (
        <p role="alert" className="notice error">
          {EXPIRED_LINK} <Link href="/forgot-password" prefetch={false}>Send a new link</Link>
        </p>
      )}
    </>
  );
}
