import type { ReactNode } from "react";
import { Link, useLocation } from "react-router";

import { signOut } from "../auth/session";
import { PageErrorBoundary } from "./PageErrorBoundary";

export function Layout({ userId, children }: { userId: string; children: ReactNode }) {
  const { pathname } = useLocation();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top">
        <nav aria-label="Main">
          <Link to="/" className="brand">
            Interview Buddy
          </Link>
          <Link to="/">My interviews</Link>
          <Link to="/new">New interview</Link>
          <Link to="/prep">Prep</Link>
          <Link to="/progress">Progress</Link>
          <Link to="/settings">Settings</Link>
        </nav>
        <div className="who">
          <span>Signed in as {userId}</span>
          <button type="button" onClick={() => signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main">
        <PageErrorBoundary key={pathname}>{children}</PageErrorBoundary>
      </main>
    </>
  );
}
