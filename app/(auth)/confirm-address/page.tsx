import Link from "next/link";
import { requireActor } from "@/lib/auth/session";
import { addressStatus } from "@/lib/auth/address-proof";
import { isProofToken, PROOF_LINK_INVALID } from "@/lib/auth/schema";
import { ConfirmAddressForm } from "../ConfirmAddressForm";
import { signOutAction } from "../actions";

export const metadata = { title: "Confirm your address" };

/**
 * Where the link mailed on sign-up lands. Signed in only (the front door sends anyone else to
 * sign in and back here): the account it was made for confirms it with a button, so that opening
 * the link (a mail scanner does) changes nothing.
 */
export default async function ConfirmAddressPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireActor();
  const sp = await searchParams;
  const token = isProofToken(sp.token) ? sp.token : null;
  const status = await addressStatus(actor.id);
  return (
    <>
      <h1>Confirm your address</h1>
      {status?.proven ? (
        <p className="notice success" role="status">
          Your address {status.email} is confirmed: the help desk mails you about your tickets.{" "}
          <Link href="/tickets" prefetch={false}>Go to your tickets</Link>
        </p>
      ) : token ? (
        <>
          <p>Confirm that {status?.email} is your address, to get mail from the help desk about your tickets.</p>
          <ConfirmAddressForm token={token} />
        </>
      ) : (
        <p role="alert" className="notice error">
          {PROOF_LINK_INVALID} <Link href="/tickets" prefetch={false}>Go to your tickets</Link>
        </p>
      )}
      <form action={signOutAction} className="aside">
        <button type="submit" className="button link">
          Sign out
        </button>
      </form>
    </>
  );
}
