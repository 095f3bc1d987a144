import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";

import { api, unwrap } from "../../api/client";
import { signIn } from "../../auth/session";
import { describeError } from "../../components/ErrorNote";

/** Dev sign-in (local stack only): a user name gets a token of the gateway's dev issuer. */
export function DevSignInForm() {
  const [userName, setUserName] = useState("");
  const signInAs = useMutation({
    mutationFn: async (name: string) => unwrap(await api.POST("/auth/dev-token", { body: { user_name: name } })),
    onSuccess: (answer) => signIn({ token: answer.token, userId: answer.user_id, provider: "dev" }),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    signInAs.mutate(userName.trim());
  }

  return (
    <form onSubmit={submit} aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">Sign in</h2>
      <p className="hint">On the local stack, sign in with any user name (make demo uses “demo”).</p>
      <label htmlFor="dev-user">User name</label>
      <input
        id="dev-user"
        data-testid="dev-user"
        name="user_name"
        autoComplete="username"
        required
        pattern="[A-Za-z0-9._@\-]{1,64}"
        title="1 to 64 letters, digits, ., _, - or @"
        value={userName}
        onChange={(event) => setUserName(event.target.value)}
      />
      <button type="submit" data-testid="sign-in" disabled={signInAs.isPending}>
        {signInAs.isPending ? "Signing in…" : "Sign in"}
      </button>
      {signInAs.isError && (
        <p role="alert" className="error">
          {describeError(signInAs.error)}
        </p>
      )}
    </form>
  );
}
