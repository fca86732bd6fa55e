"use client";

import { useRouter } from "next/navigation";
import { useRef, type ReactNode } from "react";
import { PrefetchKind } from "next/dist/client/components/router-reducer/router-reducer-types";

/**
 * Prefetches a link when a person shows they mean to open it: the pointer rests on it for
 * DWELL_MS, or it gets keyboard focus. Links opt in with `data-intent`. One listener for the whole
 * table instead of one per link, and nothing happens while the pointer merely passes over rows,
 * so a list of 50 tickets costs no server renders until someone heads for one.
 * It also opens those links in place (the router's client-side navigation, as next/link does):
 * the list writes its rows as plain HTML (ticket-rows.ts), so their links are plain <a> elements.
 * Without JavaScript the links are plain links.
 */
const DWELL_MS = 80;

export function IntentPrefetch({ children, className }: { children: ReactNode; className?: string }) {
  const router = useRouter();
  const done = useRef(new Set<string>());
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const target = (e: { target: EventTarget | null }) =>
    e.target instanceof Element ? e.target.closest<HTMLAnchorElement>("a[data-intent]") : null;
  const prefetch = (a: HTMLAnchorElement) => {
    const href = a.getAttribute("href");
    if (!href || done.current.has(href)) return;
    done.current.add(href);
    router.prefetch(href, { kind: PrefetchKind.FULL });
  };

  return (
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
  );
}
