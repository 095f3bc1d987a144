import { Component, type ReactNode } from "react";

/** A page that could not be loaded (its chunk did not come: the gateway was away) says so
 * instead of leaving a blank screen; the rest of the app stays usable. Keyed by the address,
 * so another page is tried afresh. */
export class PageErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  render() {
    if (!this.state.failed) return this.props.children;
    return (
      <section role="alert" aria-labelledby="page-failed" data-testid="page-failed">
        <h1 id="page-failed">This page could not be loaded</h1>
        <p>Interview Buddy could not be reached when the page was asked for. Once it is back, load the page again.</p>
        <button type="button" onClick={() => window.location.reload()}>
          Load the page again
        </button>
      </section>
    );
  }
}
