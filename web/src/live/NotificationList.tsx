import { Link } from "react-router";

import type { Schemas } from "../api/client";

export type AppNotification = Schemas["NotificationMessage"];

/** Notifications of finished analyses, on whatever page the user is: a polite live region that
 * is always in the page, so that screen readers announce what is added to it. */
export function NotificationList({
  notifications,
  onDismiss,
  liveState,
}: {
  notifications: AppNotification[];
  onDismiss: (notificationId: string) => void;
  /** The live connection's state, for the browser tests and benches to wait on. */
  liveState: string;
}) {
  return (
    <aside aria-label="Notifications" className="notifications" data-live-state={liveState}>
      <div role="status" aria-live="polite" data-testid="notifications">
        {notifications.map((note) => (
          <div
            key={note.notification_id}
            className={`notification notification-${note.kind}`}
            data-testid="notification"
            data-interview-id={note.interview_id}
          >
            <p className="notification-title">{note.title}</p>
            {lines(note.body).map((line, index) => (
              <p key={index}>{line}</p>
            ))}
            <div className="notification-actions">
              <Link to={`/review/${encodeURIComponent(note.interview_id)}`} data-testid="notification-link">
                {note.kind === "analysis_failed" ? "See what went wrong" : "Open the analysis"}
              </Link>
              <button type="button" className="secondary" onClick={() => onDismiss(note.notification_id)}>
                Dismiss<span className="visually-hidden">: {note.title}</span>
              </button>
            </div>
          </div>
        ))}
      </div>
    </aside>
  );
}

function lines(body: string): string[] {
  return body.split("\n").filter((line) => line.trim() !== "");
}
