"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useRef, useState, type ReactNode } from "react";

/**
 * Opens the table's links in place, and fetches a ticket ahead when a person shows they mean to
 * open it: the pointer rests on its link for DWELL_MS, or the link gets keyboard focus. Links opt
 * in with `data-intent`; one listener serves the whole table, and nothing happens while the
 * pointer merely passes over rows. Without JavaScript the links are plain links.
 *
 * The list writes its rows as one HTML string (ticket-rows.ts), which React never hydrates, so
 * their links are plain <a> elements and cannot be next/link's <Link>. Clicks go through
 * `router.push`, as Next.js's prefetching guide shows for links that are not <Link> ("Extending
 * or ejecting link"). Fetching ahead uses <Link prefetch={true}>, the public way to prefetch a
 * dynamic page in full: `router.prefetch(href)` fetches only what comes before the first
 * loading.js, which for a ticket is nothing the click can use, and its full mode is reachable
 * only through PrefetchKind, which Next.js does not export from a public module. So the link a
 * person heads for gets one such <Link>, invisible and inert, fixed in the viewport because
 * <Link> prefetches when it is on screen. It can go when `router.prefetch` takes a public option
 * for a full prefetch (vercel/next.js#62692; Next.js's own prefetchRoute notes that its API is
 * to stop taking PrefetchKind): then call that on intent instead.
 */
const DWELL_MS = 80;

/**
 * `scope` names what the table shows (the list's query): a ticket singled out belongs to it, so
 * another page, sort or filter starts with none, and its <Link> is not left behind to fetch the
 * ticket again when the router's state changes.
 */
export function IntentPrefetch({ children, className, scope }: { children: ReactNode; className?: string; scope: string }) {
  const router = useRouter();
  const [intent, setIntent] = useState<{ href: string; scope: string } | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const target = (e: { target: EventTarget | null }) =>
    e.target instanceof Element ? e.target.closest<HTMLAnchorElement>("a[data-intent]") : null;
  const prefetch = (a: HTMLAnchorElement) => {
    const href = a.getAttribute("href");
    if (href) setIntent({ href, scope });
  };

  return (
    <>
      <div
        className={className}
        onPointerOver={(e) => {
          const a = target(e);
          clearTimeout(timer.current);
          if (a) timer.current = setTimeout(() => prefetch(a), DWELL_MS);
        }}
        onPointerOut={() => clearTimeout(timer.current)}
        // A click navigates by itself: a prefetch still waiting would only fetch the page again.
        onPointerDown={() => clearTimeout(timer.current)}
        onClick={(e) => {
          const a = target(e);
          const href = a?.getAttribute("href");
          // A new tab, a new window, a download, another site: the browser's own business, as with
          // next/link.
          if (!a || !href || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
          if ((a.target && a.target !== "_self") || a.hasAttribute("download") || a.origin !== window.location.origin) return;
          e.preventDefault();
          router.push(href);
        }}
        onFocus={(e) => {
          // Keyboard focus only: a click focuses the link too, and then navigates at once.
          const a = target(e);
          if (a?.matches(":focus-visible")) prefetch(a);
        }}
      >
        {children}
      </div>
      {intent?.scope === scope ? (
        // Keyed by the href: each new intent mounts a new <Link>, which prefetches once visible.
        <Link key={intent.href} href={intent.href} prefetch inert aria-hidden="true" tabIndex={-1} style={HIDDEN} />
      ) : null}
    </>
  );
}

/** In the viewport (so that <Link> prefetches) but not seen, not clickable, not focusable. */
const HIDDEN = { position: "fixed", top: 0, left: 0, width: 1, height: 1, opacity: 0, pointerEvents: "none" } as const;
