import { Link } from "react-router";

import { ErrorNote } from "../../components/ErrorNote";
import { FileLink } from "../../components/FileLink";
import { isInterviewType } from "../../components/interviewTypes";
import { type ProgressFilters as Filters, useProgress, useProgressPdf } from "./api";
import { MeasureChanges } from "./MeasureChanges";
import { ProgressFilters } from "./ProgressFilters";
import { TrendCharts } from "./TrendCharts";
import { useFilterChoice } from "./useFilterChoice";

/** My trends across my analysed interviews, filtered by company and type (kept in the address,
 * so a filtered view can be bookmarked), with how each measure moved and my history as a PDF. */
export default function ProgressPage() {
  const [choice, choose] = useFilterChoice();
  const unknownType = choice.type !== "" && !isInterviewType(choice.type);
  const filters: Filters = {
    ...(choice.company ? { company: choice.company } : {}),
    ...(isInterviewType(choice.type) ? { interview_type: choice.type } : {}),
  };
  const progress = useProgress(filters);
  const pdf = useProgressPdf(filters);
  const filtered = Object.keys(filters).length > 0;

  return (
    <section aria-labelledby="progress-title">
      <div className="title-row">
        <h1 id="progress-title">Progress</h1>
        {progress.data && progress.data.points.length > 0 && (
          <FileLink
            file={pdf}
            filename="interview-history.pdf"
            label="Download PDF"
            description="of my interview history"
            testId="download-progress-pdf"
          />
        )}
      </div>
      {unknownType && (
        <p role="alert" className="notice" data-testid="filter-problem">
          “{choice.type}” is not an interview type we know, so interviews of every type are shown.
        </p>
      )}
      {progress.isPending && <p role="status">Loading your progress…</p>}
      {progress.isError && <ErrorNote error={progress.error} />}
      {progress.data && (
        <>
          {(progress.data.points.length > 0 || filtered) && (
            <ProgressFilters progress={progress.data} choice={choice} onChange={choose} />
          )}
          {progress.data.points.length === 0 ? (
            filtered ? (
              <div className="empty" data-testid="progress-empty">
                <p role="status">No analysed interview matches these filters.</p>
                <button type="button" onClick={() => choose({ company: "", type: "" })}>
                  Show all my interviews
                </button>
              </div>
            ) : (
              <div className="empty" data-testid="progress-empty">
                <h2>No analysed interviews yet</h2>
                <p>
                  Upload the recording of an interview first. Once it is analysed, its scores show here; with two
                  or more you see how you move from one interview to the next.
                </p>
                <Link to="/new" className="button">
                  New interview
                </Link>
              </div>
            )
          ) : (
            <>
              <p role="status" data-testid="progress-count">
                {progress.data.points.length} analysed interview{progress.data.points.length === 1 ? "" : "s"}
                {filtered ? " match these filters" : ""}.
              </p>
              <MeasureChanges changes={progress.data.changes} count={progress.data.points.length} />
              <TrendCharts points={progress.data.points} changes={progress.data.changes} />
            </>
          )}
        </>
      )}
    </section>
  );
}
