import { Dialog } from "../../components/Dialog";
import { describeError } from "../../components/ErrorNote";
import { type Interview, titleOf, useDeleteInterview } from "./api";

export function DeleteInterviewDialog({ interview, onDone }: { interview: Interview; onDone: () => void }) {
  const deletion = useDeleteInterview();
  return (
    <Dialog title={`Delete “${titleOf(interview)}”?`} onCancel={onDone} testId="delete-dialog">
      <p>
        Its recording, transcript and analysis are deleted for good; processing still under way stops. This cannot be
        undone.
      </p>
      {deletion.isError && (
        <p role="alert" className="error">
          {describeError(deletion.error)}
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="secondary" data-testid="cancel-delete" onClick={onDone}>
          Cancel
        </button>
        <button
          type="button"
          className="danger"
          data-testid="confirm-delete"
          disabled={deletion.isPending}
          onClick={() => deletion.mutate(interview.interview_id, { onSuccess: onDone })}
        >
          {deletion.isPending ? "Deleting…" : "Delete for good"}
        </button>
      </div>
    </Dialog>
  );
}
