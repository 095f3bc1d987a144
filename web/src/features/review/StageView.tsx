import type { Schemas } from "../../api/client";
import { formatDuration } from "../upload/checkFile";

type Status = Schemas["StatusPublic"];

const STAGES: Array<{ status: Status["status"]; label: string }> = [
  { status: "CREATED", label: "Waiting for the recording" },
  { status: "UPLOADED", label: "Uploaded" },
  { status: "TRANSCRIBING", label: "Transcribing" },
  { status: "ANALYZING", label: "Analysing" },
  { status: "COMPLETED", label: "Completed" },
];

/** Where the interview is: uploaded → transcribing (percent, time left) → analysing → completed. */
export function StageView({ status }: { status: Status }) {
  if (status.status === "FAILED") {
    return (
      <div role="alert" className="error">
        <h2>The analysis failed</h2>
        <p>{status.error_reason ?? "Something went wrong while processing the recording."}</p>
      </div>
    );
  }
  const reached = STAGES.findIndex((stage) => stage.status === status.status);
  return (
    <section aria-labelledby="stage-title">
      <h2 id="stage-title">Processing</h2>
      <ol className="stages" aria-live="polite">
        {STAGES.map((stage, index) => (
          <li
            key={stage.status}
            className={index < reached ? "stage-done" : index === reached ? "stage-now" : "stage-later"}
            aria-current={index === reached ? "step" : undefined}
          >
            {stage.label}
            {index === reached && stage.status === "TRANSCRIBING" && (
              <>
                {` — ${Math.round(status.percent)} %`}
                {status.eta_seconds != null && `, about ${formatDuration(status.eta_seconds)} left`}
              </>
            )}
          </li>
        ))}
      </ol>
      {status.notice && <p className="notice">{status.notice}</p>}
    </section>
  );
}
