import type { ReactNode } from "react";

import { Dialog } from "./Dialog";
import { describeError } from "./ErrorNote";

/** A question before something that cannot be undone: Cancel first (where focus lands), then the
 * action; a refusal is said in the dialog, which stays open. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  pending,
  error,
  onConfirm,
  onCancel,
  testId,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  pending: boolean;
  error: unknown;
  onConfirm: () => void;
  onCancel: () => void;
  testId: string;
}) {
  return (
    <Dialog title={title} onCancel={onCancel} testId={testId}>
      {children}
      {error !== null && error !== undefined && (
        <p role="alert" className="error">
          {describeError(error)}
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="secondary" data-testid={`${testId}-cancel`} onClick={onCancel}>
          Cancel
        </button>
        <button
          type="button"
          className="danger"
          data-testid={`${testId}-confirm`}
          disabled={pending}
          onClick={onConfirm}
        >
          {pending ? "Deleting…" : confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
