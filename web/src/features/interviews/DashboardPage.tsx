import { useState } from "react";
import { Link } from "react-router";

import { ErrorNote } from "../../components/ErrorNote";
import { type Interview, PAGE_SIZE, statusWord, useInterviewPage } from "./api";

export default function DashboardPage() {
  const [offset, setOffset] = useState(0);
  const page = useInterviewPage(offset);
  const count = page.data?.count ?? 0;

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
            <span>
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
  const title = [interview.company, interview.job_title].filter(Boolean).join(" · ") || "Untitled interview";
  return (
    <tr data-testid="interview-row">
      <th scope="row">
        <Link to={`/review/${encodeURIComponent(interview.interview_id)}`}>{title}</Link>
      </th>
      <td>{new Date(interview.created_at).toLocaleString()}</td>
      <td>
        <span className={`badge badge-${statusWord(interview.status)}`}>{statusWord(interview.status)}</span>
        {interview.status === "TRANSCRIBING" && ` ${Math.round(interview.percent)} %`}
      </td>
      <td>{interview.overall_score ?? "—"}</td>
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
