import { type ReactNode, useEffect, useId, useRef } from "react";

/** A modal dialog, the browser's own <dialog>: open while mounted, focus moves into it (its
 * first control), Escape cancels, and focus goes back to what opened it. */
export function Dialog({
  title,
  onCancel,
  children,
  testId,
}: {
  title: string;
  onCancel: () => void;
  children: ReactNode;
  testId?: string;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const element = dialog.current;
    element?.showModal();
    return () => {
      element?.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(event) => {
        event.preventDefault(); // the parent unmounts it, which closes it
        onCancel();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}
