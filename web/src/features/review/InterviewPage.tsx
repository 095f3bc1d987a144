import { useState } from "react";
import { Link, useParams } from "react-router";

import { ErrorNote } from "../../components/ErrorNote";
import { statusWord } from "../interviews/api";
import { AnalysisView } from "./AnalysisView";
import { useAnalysis, useInterview, useStatus } from "./api";
import { StageView } from "./StageView";
import { type SegmentTarget, TranscriptView } from "./TranscriptView";

export default function InterviewPage() {
  const { interviewId = "" } = useParams();
  const interview = useInterview(interviewId);
  const status = useStatus(interviewId);
  const [target, setTarget] = useState<SegmentTarget | null>(null);
  const completed = status.data?.status === "COMPLETED";
  // The transcript comes below the analysis once the analysis is on screen: drawn first, it
  // would be pushed down the page as the analysis arrived (a layout shift under the reader).
  const analysis = useAnalysis(interviewId, completed);
  const title =
    [interview.data?.company, interview.data?.job_title].filter(Boolean).join(" · ") || "Interview";

  return (
    <article aria-labelledby="interview-title">
      <h1 id="interview-title">{title}</h1>
      {status.isError && <ErrorNote error={status.error} />}
      {status.data && (
        <p data-testid="status" className={`badge badge-${statusWord(status.data.status)}`}>
          Status: {statusWord(status.data.status)}
        </p>
      )}
      {interview.data?.prep_session_id && (
        <p>
          <Link to={`/review/${encodeURIComponent(interviewId)}/comparison`} data-testid="open-comparison">
            Compare with your prep
          </Link>
        </p>
      )}
      {status.data && !completed && <StageView status={status.data} />}
      {completed && (
        <>
          <AnalysisView
            interviewId={interviewId}
            onShowSegment={(seq) => setTarget({ seq, request: (target?.request ?? 0) + 1 })}
          />
          {!analysis.isPending && <TranscriptView interviewId={interviewId} target={target} />}
        </>
      )}
    </article>
  );
}
