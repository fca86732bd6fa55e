"use client";

export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main id="main" className="narrow">
      <h1>Something went wrong</h1>
      <p>The page could not be shown. Nothing you typed was saved by this request. Try again in a moment.</p>
      <button type="button" className="button secondary" onClick={() => reset()}>
        Try again
      </button>
    </main>
  );
}
