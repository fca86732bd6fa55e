import Link from "next/link";

export default function TicketNotFound() {
  return (
    <div className="narrow">
      <h1>Ticket not found</h1>
      <p>There is no ticket with that number that you can see. Check the number, or find it in the list.</p>
      <p>
        <Link href="/tickets">Go to the ticket list</Link> or <Link href="/tickets/new">create a new ticket</Link>.
      </p>
    </div>
  );
}
