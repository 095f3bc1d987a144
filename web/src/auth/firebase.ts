// Firebase sign-in through its JS SDK, loaded only when the gateway is in Firebase mode (this
// module and the SDK are a chunk of their own). Firebase keeps its user in this tab's
// sessionStorage, as the app keeps its session: closing the tab signs out. Every new ID token
// Firebase issues (at sign-in and at each hourly refresh) becomes the session's bearer token.
import { FirebaseError, initializeApp } from "firebase/app";
import {
  type Auth,
  browserPopupRedirectResolver,
  browserSessionPersistence,
  connectAuthEmulator,
  createUserWithEmailAndPassword,
  GoogleAuthProvider,
  initializeAuth,
  onIdTokenChanged,
  signInWithEmailAndPassword,
  signInWithPopup,
  signOut as endFirebaseSession,
} from "firebase/auth";

import { api, type Schemas, unwrap } from "../api/client";
import { currentSession, onSignOut, signIn, signOut } from "./session";

export type FirebaseWebConfig = Schemas["FirebaseWebConfig"];

let started: Promise<Auth> | null = null;

/** Firebase's sign-in for this gateway, started once; the session follows its ID tokens. */
export function startFirebase(config: FirebaseWebConfig): Promise<Auth> {
  started ??= (async () => {
    const app = initializeApp({
      apiKey: config.api_key,
      authDomain: config.auth_domain,
      projectId: config.project_id,
    });
    const auth = initializeAuth(app, {
      persistence: browserSessionPersistence,
      popupRedirectResolver: browserPopupRedirectResolver,
    });
    if (config.emulator_url !== null) connectAuthEmulator(auth, config.emulator_url, { disableWarnings: true });
    onIdTokenChanged(auth, (user) => {
      if (user === null) {
        if (currentSession()?.provider === "firebase") signOut("Your Firebase sign-in has ended: sign in again.");
        return;
      }
      void user.getIdToken().then((token) => signIn({ token, userId: user.email ?? user.uid, provider: "firebase" }));
    });
    onSignOut(() => void endFirebaseSession(auth));
    await auth.authStateReady();
    return auth;
  })();
  return started;
}

/** After a reload with a Firebase session: Firebase again, so the token keeps being refreshed. */
export async function resumeFirebase(): Promise<void> {
  const config = unwrap(await api.GET("/auth/config"));
  if (config.firebase !== null) await startFirebase(config.firebase);
}

export async function signInWithEmail(auth: Auth, email: string, password: string): Promise<void> {
  await signInWithEmailAndPassword(auth, email, password);
}

export async function createAccount(auth: Auth, email: string, password: string): Promise<void> {
  await createUserWithEmailAndPassword(auth, email, password);
}

export async function signInWithGoogle(auth: Auth): Promise<void> {
  await signInWithPopup(auth, new GoogleAuthProvider());
}

const MESSAGES: Record<string, string> = {
  "auth/invalid-credential": "The email or the password is wrong.",
  "auth/wrong-password": "The email or the password is wrong.",
  "auth/user-not-found": "There is no account with this email: create one.",
  "auth/invalid-email": "This is not an email address.",
  "auth/email-already-in-use": "There is already an account with this email: sign in instead.",
  "auth/weak-password": "Choose a password of at least 6 characters.",
  "auth/missing-password": "Enter your password.",
  "auth/too-many-requests": "Too many attempts: wait a minute, then try again.",
  "auth/user-disabled": "This account is disabled.",
  "auth/popup-closed-by-user": "The Google window was closed before you signed in.",
  "auth/cancelled-popup-request": "The Google window was closed before you signed in.",
  "auth/popup-blocked": "The browser blocked Google's sign-in window: allow pop-ups for this site.",
  "auth/network-request-failed": "Firebase cannot be reached: check your connection and try again.",
};

/** What went wrong with a Firebase sign-in, in words. */
export function describeFirebaseError(error: unknown, viaGoogle: boolean): string {
  if (error instanceof FirebaseError) {
    // The pop-up needs Google's own script (apis.google.com); without it Firebase says only this.
    if (viaGoogle && error.code === "auth/internal-error") {
      return "Google's sign-in cannot be reached right now: try again later, or sign in with your email.";
    }
    return MESSAGES[error.code] ?? `Sign-in failed (${error.code}): try again.`;
  }
  return error instanceof Error ? error.message : "Sign-in failed: try again.";
}
