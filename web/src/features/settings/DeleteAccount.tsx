import { useState } from "react";

import { ConfirmDialog } from "../../components/ConfirmDialog";
import { useDeleteAccount } from "./api";

export function DeleteAccount() {
  const [confirming, setConfirming] = useState(false);
  const deletion = useDeleteAccount();

  return (
    <section aria-labelledby="delete-account-title" className="danger-zone">
      <h2 id="delete-account-title">Delete my account</h2>
      <p>
        Deletes everything of yours for good: interviews with their recordings, transcripts and analyses, prep sessions,
        uploads not finished and these settings. You are signed out.
      </p>
      <button type="button" className="danger" data-testid="delete-account" onClick={() => setConfirming(true)}>
        Delete my account…
      </button>
      {confirming && (
        <ConfirmDialog
          title="Delete your account?"
          confirmLabel="Delete everything"
          pending={deletion.isPending}
          error={deletion.error}
          onConfirm={() => deletion.mutate()}
          onCancel={() => setConfirming(false)}
          testId="delete-account-dialog"
        >
          <p>Everything of yours is deleted and cannot be brought back.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
