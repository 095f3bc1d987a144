import { useState } from "react";

import { Dialog } from "../../components/Dialog";
import { describeError } from "../../components/ErrorNote";
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
        <Dialog title="Delete your account?" onCancel={() => setConfirming(false)} testId="delete-account-dialog">
          <p>Everything of yours is deleted and cannot be brought back.</p>
          {deletion.isError && (
            <p role="alert" className="error">
              {describeError(deletion.error)}
            </p>
          )}
          <div className="form-actions">
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>
              Cancel
            </button>
            <button
              type="button"
              className="danger"
              data-testid="confirm-delete-account"
              disabled={deletion.isPending}
              onClick={() => deletion.mutate()}
            >
              {deletion.isPending ? "Deleting…" : "Delete everything"}
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}
