/** A link inside the app: a real `<a href>` (open in a new tab works) that navigates without a reload. */
import type { ReactNode } from 'react';
import { navigate, type Page, pathOf } from '../router.ts';

export function Link({ to, children, className }: { to: Page; children: ReactNode; className?: string }) {
  const href = pathOf(to);
  return (
    <a
      href={href}
      className={className}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}
