import type { FormEvent } from "react";

import { ApiError } from "../../api/client";
import { Dialog } from "../../components/Dialog";
import { describeError } from "../../components/ErrorNote";
import { type Interview, type InterviewType, titleOf, useUpdateInterview } from "./api";
import { InterviewTypeSelect } from "./InterviewTypeSelect";

/** Company, job title, type and notes of an interview. The fields keep what was typed whatever
 * the answer, so an edit refused because someone changed the interview meanwhile is redone
 * with one more click. */
export function EditInterviewDialog({ interview, onDone }: { interview: Interview; onDone: () => void }) {
  const update = useUpdateInterview();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => {
      const value = String(form.get(name) ?? "").trim();
      return value === "" ? null : value;
    };
    update.mutate(
      {
        interview,
        change: {
          company: text("company"),
          job_title: text("job_title"),
          interview_type: text("interview_type") as InterviewType | null,
          notes: text("notes"),
        },
      },
      { onSuccess: onDone },
    );
  }

  const conflict = update.error instanceof ApiError && update.error.status === 412;
  return (
    <Dialog title={`Edit “${titleOf(interview)}”`} onCancel={onDone} testId="edit-dialog">
      <form onSubmit={submit}>
        <label htmlFor="edit-company">Company</label>
        <input id="edit-company" name="company" maxLength={200} defaultValue={interview.company ?? ""} />
        <label htmlFor="edit-job-title">Job title</label>
        <input id="edit-job-title" name="job_title" maxLength={200} defaultValue={interview.job_title ?? ""} />
        <label htmlFor="edit-type">Type</label>
        <InterviewTypeSelect id="edit-type" defaultValue={interview.interview_type ?? ""} />
        <label htmlFor="edit-notes">Notes</label>
        <textarea id="edit-notes" name="notes" rows={4} maxLength={10000} defaultValue={interview.notes ?? ""} />
        {update.isError && (
          <p role="alert" className="error" data-testid="edit-problem">
            {conflict
              ? "Someone changed this interview since you opened it (in another tab?). What you typed is still here: check it and save again to keep it."
              : describeError(update.error)}
          </p>
        )}
        <div className="form-actions">
          <button type="submit" data-testid="save-interview" disabled={update.isPending}>
            {update.isPending ? "Saving…" : "Save"}
          </button>
          <button type="button" className="secondary" onClick={onDone}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
