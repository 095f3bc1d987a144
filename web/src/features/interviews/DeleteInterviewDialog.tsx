import { ConfirmDialog } from "../../components/ConfirmDialog";
import { type Interview, titleOf, useDeleteInterview } from "./api";

export function DeleteInterviewDialog({ interview, onDone }: { interview: Interview; onDone: () => void }) {
  const deletion = useDeleteInterview();
  return (
    <ConfirmDialog
      title={`Delete “${titleOf(interview)}”?`}
      confirmLabel="Delete for good"
      pending={deletion.isPending}
      error={deletion.error}
      onConfirm={() => deletion.mutate(interview.interview_id, { onSuccess: onDone })}
      onCancel={onDone}
      testId="delete-dialog"
    >
      <p>
        Its recording, transcript and analysis are deleted for good; processing still under way stops. This cannot be
        undone.
      </p>
    </ConfirmDialog>
  );
}
