import { useEffect, useState } from "react";
import { Link } from "react-router";

import { ErrorNote } from "../../components/ErrorNote";
import { type Interview, PAGE_SIZE, statusWord, titleOf, useInterviewPage } from "./api";
import { RowActions } from "./RowActions";

export default function DashboardPage() {
  const [offset, setOffset] = useState(0);
  const page = useInterviewPage(offset);
  const count = page.data?.count ?? 0;
  const rows = page.data?.data.length ?? 0;
  // The last row of a page deleted: show the page before it.
  useEffect(() => {
    if (page.isPlaceholderData || rows > 0 || offset === 0) return;
    setOffset(Math.max(0, offset - PAGE_SIZE));
  }, [page.isPlaceholderData, rows, offset]);

  return (
    <section aria-labelledby="dashboard-title">
      <div className="title-row">
        <h1 id="dashboard-title">My interviews</h1>
        <Link to="/new" className="button" data-testid="new-interview">
          New interview
        </Link>
      </div>
      {page.isPending && <p role="status">Loading your interviews…</p>}
      {page.isError && <ErrorNote error={page.error} />}
      {page.data && count === 0 && <EmptyState />}
      {page.data && count > 0 && (
        <>
          <table className="interviews">
            <caption className="visually-hidden">Your interviews, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Interview</th>
                <th scope="col">Created</th>
                <th scope="col">Status</th>
                <th scope="col">Score</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page.data.data.map((interview) => (
                <InterviewRow key={interview.interview_id} interview={interview} />
              ))}
            </tbody>
          </table>
          <nav aria-label="Pages" className="pager">
            <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
              Newer
            </button>
            <span data-testid="page-range">
              {offset + 1}–{Math.min(offset + PAGE_SIZE, count)} of {count}
            </span>
            <button
              type="button"
              disabled={offset + PAGE_SIZE >= count}
              onClick={() => setOffset(offset + PAGE_SIZE)}
            >
              Older
            </button>
          </nav>
        </>
      )}
    </section>
  );
}

function InterviewRow({ interview }: { interview: Interview }) {
  const title = titleOf(interview);
  return (
    <tr data-testid="interview-row" data-interview-id={interview.interview_id}>
      <th scope="row">
        <Link to={`/review/${encodeURIComponent(interview.interview_id)}`}>{title}</Link>
      </th>
      <td>{new Date(interview.created_at).toLocaleString()}</td>
      <td data-testid="row-status">
        <span className={`badge badge-${statusWord(interview.status)}`}>{statusWord(interview.status)}</span>
        {interview.status === "TRANSCRIBING" && ` ${Math.round(interview.percent)} %`}
      </td>
      <td>{interview.overall_score ?? "—"}</td>
      <td>
        <RowActions interview={interview} />
      </td>
    </tr>
  );
}

function EmptyState() {
  return (
    <div className="empty">
      <h2>No interviews yet</h2>
      <p>
        Start with a recording of a job interview you had (MP4, MOV, WebM, M4A or WAV, up to 2 GB). Choose{" "}
        <strong>New interview</strong>, say which company and role it was for, and upload the file: you get a
        transcript, speech metrics, the questions you were asked and advice for the next one.
      </p>
      <Link to="/new" className="button">
        Upload your first interview
      </Link>
    </div>
  );
}
