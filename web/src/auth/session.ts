// The signed-in user's bearer token, kept in this tab's sessionStorage: closing the tab signs out.
import { useSyncExternalStore } from "react";

const KEY = "interview-buddy.session";

export interface Session {
  token: string;
  userId: string;
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
      return { token: parsed.token, userId: parsed.userId };
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

export function signOut(reason: string | null = null): void {
  signOutReason = reason;
  publish(null);
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
