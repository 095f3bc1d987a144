import { useQuery } from "@tanstack/react-query";
import { lazy, Suspense } from "react";

import { api, unwrap } from "../../api/client";
import { signOutReason } from "../../auth/session";
import { ErrorNote } from "../../components/ErrorNote";
import { DevSignInForm } from "./DevSignInForm";

// Firebase's SDK is loaded only when the gateway signs in through Firebase.
const FirebaseSignInForm = lazy(() => import("./FirebaseSignInForm"));

/** The one page a signed-out user sees: the gateway says which way to sign in. */
export function SignInPage() {
  const config = useQuery({
    queryKey: ["auth-config"],
    queryFn: async () => unwrap(await api.GET("/auth/config")),
    staleTime: Infinity,
  });

  return (
    <main id="main" className="sign-in">
      <h1>Interview Buddy</h1>
      <p>Feedback on your job interviews: upload a recording, get a transcript, metrics and advice.</p>
      {signOutReason !== null && (
        <p role="status" className="notice">
          {signOutReason}
        </p>
      )}
      {config.isPending && <p className="hint">Loading…</p>}
      {config.isError && <ErrorNote error={config.error} />}
      {config.data?.firebase === null && <DevSignInForm />}
      {config.data?.firebase != null && (
        <Suspense fallback={<p role="status">Loading…</p>}>
          <FirebaseSignInForm config={config.data.firebase} />
        </Suspense>
      )}
    </main>
  );
}
