import { requireAdmin } from "@/lib/auth/session";
import { signUpPolicy } from "@/lib/desk/settings";
import { SignUpSettingsForm } from "./SignUpSettingsForm";
import { saveSignUpAction } from "./actions";

export const metadata = { title: "Sign-up" };

export default async function SignUpSettingsPage() {
  await requireAdmin();
  const policy = await signUpPolicy();
  return (
    <>
      <div className="page-head">
        <h1>Sign-up</h1>
      </div>
      <p className="summary">Who may create an account here, and what happens to mail from people who have none. Changes are recorded in the audit log.</p>
      <SignUpSettingsForm save={saveSignUpAction} policy={policy} />
    </>
  );
}
