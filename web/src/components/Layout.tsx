import type { ReactNode } from "react";
import { Link } from "react-router";

import { signOut } from "../auth/session";

export function Layout({ userId, children }: { userId: string; children: ReactNode }) {
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
          <Link to="/settings">Settings</Link>
        </nav>
        <div className="who">
          <span>Signed in as {userId}</span>
          <button type="button" onClick={() => signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main">{children}</main>
    </>
  );
}
