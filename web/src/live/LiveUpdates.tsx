import { useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useContext, useEffect, useState } from "react";

import { currentToken, signOut, useSession } from "../auth/session";
import { applyInterviewState, refreshAfterGap } from "./cache";
import { type AppNotification, NotificationList } from "./NotificationList";
import { type LiveState, LiveSocket, liveUrl } from "./socket";

const LiveContext = createContext<LiveState>("connecting");

/** True while the live connection is up; pages poll only while it is not. */
export function useLiveUp(): boolean {
  return useContext(LiveContext) === "open";
}

const KEPT_NOTIFICATIONS = 5;

/** The app's live connection while signed in: interview states into the query cache,
 * notifications on screen, and a banner while the gateway cannot be reached. Signing out closes
 * it; signing in (again) opens it with the new token. */
export function LiveUpdates({ children }: { children: ReactNode }) {
  const session = useSession();
  if (session === null) return children;
  return (
    <SignedInLiveUpdates token={session.token}>
      {children}
    </SignedInLiveUpdates>
  );
}

function SignedInLiveUpdates({ token, children }: { token: string; children: ReactNode }) {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>("connecting");
  const [notifications, setNotifications] = useState<AppNotification[]>([]);

  useEffect(() => {
    const socket = new LiveSocket(liveUrl(), {
      token: currentToken,
      onState: setState,
      onReady: () => refreshAfterGap(queryClient),
      onRefused: (reason) => signOut(reason),
      onMessage: (message) => {
        if (message.type === "interview_state") applyInterviewState(queryClient, message);
        if (message.type === "notification") {
          setNotifications((shown) =>
            shown.some((note) => note.notification_id === message.notification_id)
              ? shown
              : [...shown, message].slice(-KEPT_NOTIFICATIONS),
          );
        }
      },
    });
    socket.open();
    return () => socket.close();
  }, [queryClient, token]);

  const dismiss = (notificationId: string) =>
    setNotifications((shown) => shown.filter((note) => note.notification_id !== notificationId));

  return (
    <LiveContext.Provider value={state}>
      {state === "down" && (
        <p role="alert" className="connection-banner" data-testid="connection-banner">
          Interview Buddy cannot be reached; retrying. What you see may be out of date until it is back.
        </p>
      )}
      {children}
      <NotificationList notifications={notifications} onDismiss={dismiss} liveState={state} />
    </LiveContext.Provider>
  );
}
