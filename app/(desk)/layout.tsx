import Link from "next/link";
import { getActor } from "@/lib/auth/session";
import { signOutAction } from "../(auth)/actions";

/**
 * The frame of every signed-in page. It shows who is signed in; it does not guard anything
 * (layouts are skipped on partial renders): each page and action checks the session itself.
 */
export default async function DeskLayout({ children }: { children: React.ReactNode }) {
  const actor = await getActor();
  return (
    <>
      <header className="topbar">
        <nav aria-label="Main" className="topbar-inner">
          <Link href="/tickets" className="brand">
            Triage
          </Link>
          <Link href="/tickets">Tickets</Link>
          {actor?.role === "admin" ? <Link href="/admin/users">Users</Link> : null}
          <span className="spacer" />
          {actor ? (
            <>
              <span className="whoami">
                {actor.name} <span className="role">{actor.role}</span>
              </span>
              <form action={signOutAction}>
                <button type="submit" className="button link">
                  Sign out
                </button>
              </form>
            </>
          ) : null}
        </nav>
      </header>
      <main id="main" className="page">
        {children}
      </main>
    </>
  );
}
