// The signed-in user's bearer token, kept in this tab's sessionStorage: closing the tab signs out.
import { useSyncExternalStore } from "react";

const KEY = "interview-buddy.session";

export interface Session {
  token: string;
  /** Who the header says is signed in: the dev user name, or the Firebase account's email. */
  userId: string;
  /** Who issued the token: the gateway's dev issuer, or Firebase (which refreshes it hourly). */
  provider: "dev" | "firebase";
}

const listeners = new Set<() => void>();
let current: Session | null = read();

function read(): Session | null {
  const raw = sessionStorage.getItem(KEY);
  if (raw === null) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (
      typeof parsed === "object" &&
      parsed !== null &&
      "token" in parsed &&
      "userId" in parsed &&
      typeof parsed.token === "string" &&
      typeof parsed.userId === "string"
    ) {
      const provider = "provider" in parsed && parsed.provider === "firebase" ? "firebase" : "dev";
      return { token: parsed.token, userId: parsed.userId, provider };
    }
  } catch {
    // A damaged entry is no session.
  }
  return null;
}

function publish(next: Session | null): void {
  current = next;
  if (next === null) sessionStorage.removeItem(KEY);
  else sessionStorage.setItem(KEY, JSON.stringify(next));
  listeners.forEach((listener) => listener());
}

export function signIn(session: Session): void {
  publish(session);
}

/** Why the user was signed out, shown on the sign-in page (e.g. an expired token). */
export let signOutReason: string | null = null;

const signOutHooks = new Set<() => void>();

/** Something to end with the session (e.g. Firebase's own sign-in); runs at every sign-out. */
export function onSignOut(hook: () => void): void {
  signOutHooks.add(hook);
}

export function signOut(reason: string | null = null): void {
  signOutReason = reason;
  publish(null);
  signOutHooks.forEach((hook) => hook());
}

export function currentSession(): Session | null {
  return current;
}

export function currentToken(): string | null {
  return current?.token ?? null;
}

export function currentUserId(): string | null {
  return current?.userId ?? null;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSession(): Session | null {
  return useSyncExternalStore(subscribe, () => current);
}
