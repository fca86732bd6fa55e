import Link from "next/link";
import { isAdmin, isStaff, type Actor } from "@/lib/people/identity";
import { signOutAction } from "../(auth)/actions";

/** The bar at the top of every page for a signed-in person: where to go, who they are, Sign out. */
export function TopBar({ actor }: { actor: Actor | null }) {
  return (
    <header className="topbar">
      <nav aria-label="Main" className="topbar-inner">
        <Link href="/tickets" className="brand" prefetch={false}>
          Triage
        </Link>
        <Link href="/tickets" prefetch={false}>Tickets</Link>
        {actor && isStaff(actor) ? <Link href="/saved-replies" prefetch={false}>Saved replies</Link> : null}
        {actor && isAdmin(actor) ? <Link href="/admin/users" prefetch={false}>Users</Link> : null}
        {actor && isAdmin(actor) ? <Link href="/admin/mail" prefetch={false}>Mail</Link> : null}
        {actor && isAdmin(actor) ? <Link href="/admin/tags" prefetch={false}>Tags</Link> : null}
        {actor && isAdmin(actor) ? <Link href="/admin/audit" prefetch={false}>Audit log</Link> : null}
        <span className="spacer" />
        {actor ? (
          <>
            <span className="whoami">
              {actor.name} <span className="role">{actor.role}</span>
            </span>
            <Link href="/settings" prefetch={false}>Settings</Link>
            <form action={signOutAction}>
              <button type="submit" className="button link">
                Sign out
              </button>
            </form>
          </>
        ) : null}
      </nav>
    </header>
  );
}
