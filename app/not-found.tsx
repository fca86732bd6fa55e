import Link from "next/link";

export default function NotFound() {
  return (
    <main id="main" className="narrow">
      <h1>Page not found</h1>
      <p>There is nothing at this address. If you followed a link to a ticket, it may have been mistyped, or it may belong to someone else.</p>
      <p>
        <Link href="/tickets">Go to the ticket list</Link>
      </p>
    </main>
  );
}
