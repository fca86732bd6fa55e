import Link from "next/link";
import { ForgotPasswordForm } from "../ForgotPasswordForm";

export const metadata = { title: "Forgot password" };

export default function ForgotPasswordPage() {
  return (
    <>
      <h1>Forgot password</h1>
      <p className="aside">Enter the email address of your account and we will send you a link to set a new password.</p>
      <ForgotPasswordForm />
      <p className="aside">
        Remembered it? <Link href="/sign-in" prefetch={false}>Sign in</Link>
      </p>
    </>
  );
}
