import { useState } from "react";
import { Link } from "react-router";

import { type Interview, titleOf } from "./api";
import { DeleteInterviewDialog } from "./DeleteInterviewDialog";
import { EditInterviewDialog } from "./EditInterviewDialog";

/** Open, edit the metadata, delete (after a confirmation): what a row of the dashboard offers. */
export function RowActions({ interview }: { interview: Interview }) {
  const [open, setOpen] = useState<"edit" | "delete" | null>(null);
  const title = titleOf(interview);
  const close = () => setOpen(null);
  return (
    <div className="row-actions">
      <Link to={`/review/${encodeURIComponent(interview.interview_id)}`} className="button secondary">
        Open<span className="visually-hidden"> {title}</span>
      </Link>
      <button type="button" className="secondary" data-testid="edit-interview" onClick={() => setOpen("edit")}>
        Edit<span className="visually-hidden"> {title}</span>
      </button>
      <button type="button" className="secondary danger" data-testid="delete-interview" onClick={() => setOpen("delete")}>
        Delete<span className="visually-hidden"> {title}</span>
      </button>
      {open === "edit" && <EditInterviewDialog interview={interview} onDone={close} />}
      {open === "delete" && <DeleteInterviewDialog interview={interview} onDone={close} />}
    </div>
  );
}
