import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";

import {
  createAccount,
  describeFirebaseError,
  type FirebaseWebConfig,
  signInWithEmail,
  signInWithGoogle,
  startFirebase,
} from "../../auth/firebase";
import { ErrorNote } from "../../components/ErrorNote";

type Way = "sign-in" | "create-account";

/** Sign in with Firebase: email and password (or a new account), or Google in a pop-up. */
export default function FirebaseSignInForm({ config }: { config: FirebaseWebConfig }) {
  const firebase = useQuery({
    queryKey: ["firebase", config.project_id],
    queryFn: () => startFirebase(config),
    staleTime: Infinity,
  });
  const [way, setWay] = useState<Way>("sign-in");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const withPassword = useMutation({
    mutationFn: async () => {
      const auth = await startFirebase(config);
      if (way === "sign-in") await signInWithEmail(auth, email.trim(), password);
      else await createAccount(auth, email.trim(), password);
    },
  });
  const withGoogle = useMutation({ mutationFn: async () => signInWithGoogle(await startFirebase(config)) });
  const busy = withPassword.isPending || withGoogle.isPending;
  const failed = withPassword.error ?? withGoogle.error;

  function submit(event: FormEvent) {
    event.preventDefault();
    withGoogle.reset();
    withPassword.mutate();
  }

  if (firebase.isError) return <ErrorNote error={firebase.error} />;
  const title = way === "sign-in" ? "Sign in" : "Create an account";
  return (
    <form onSubmit={submit} aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">{title}</h2>
      <label htmlFor="email">Email</label>
      <input
        id="email"
        data-testid="email"
        type="email"
        autoComplete="email"
        required
        value={email}
        onChange={(event) => setEmail(event.target.value)}
      />
      <label htmlFor="password">Password</label>
      <input
        id="password"
        data-testid="password"
        type="password"
        autoComplete={way === "sign-in" ? "current-password" : "new-password"}
        required
        minLength={way === "create-account" ? 6 : undefined}
        value={password}
        onChange={(event) => setPassword(event.target.value)}
      />
      <div className="sign-in-actions">
        <button type="submit" data-testid="sign-in" disabled={busy || firebase.isPending}>
          {withPassword.isPending ? "Signing in…" : title}
        </button>
        <button
          type="button"
          className="button secondary"
          onClick={() => setWay(way === "sign-in" ? "create-account" : "sign-in")}
        >
          {way === "sign-in" ? "I have no account yet" : "I already have an account"}
        </button>
      </div>
      <p className="or">or</p>
      <button
        type="button"
        className="button secondary"
        data-testid="sign-in-google"
        disabled={busy || firebase.isPending}
        onClick={() => {
          withPassword.reset();
          withGoogle.mutate();
        }}
      >
        Continue with Google
      </button>
      {failed !== null && (
        <p role="alert" className="error">
          {describeFirebaseError(failed, withGoogle.error !== null)}
        </p>
      )}
    </form>
  );
}
