import { getActor } from "@/lib/auth/session";
import { TopBar } from "../_components/TopBar";

/**
 * The frame of every signed-in page. It shows who is signed in; it does not guard anything
 * (layouts are skipped on partial renders): each page and action checks the session itself.
 */
export default async function DeskLayout({ children }: { children: React.ReactNode }) {
  const actor = await getActor();
  return (
    <>
      <TopBar actor={actor} />
      <main id="main" className="page">
        {children}
      </main>
    </>
  );
}
