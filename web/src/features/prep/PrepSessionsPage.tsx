import { Link } from "react-router";

import { ErrorNote } from "../../components/ErrorNote";
import { type PrepSessionSummary, sessionTitle, usePrepSessions } from "./api";
import "./prep.css";

export default function PrepSessionsPage() {
  const sessions = usePrepSessions();

  return (
    <section aria-labelledby="prep-title">
      <div className="title-row">
        <h1 id="prep-title">Prep</h1>
        <div className="actions">
          <Link to="/prep/targeted" className="button secondary" data-testid="targeted-practice">
            Practise your weakest skills
          </Link>
          <Link to="/prep/new" className="button" data-testid="new-prep-session">
            New prep session
          </Link>
        </div>
      </div>
      <p>
        Practise before the interview: questions for the role, answered in writing, with feedback on each answer at
        once. Link the session to the interview when you upload its recording, and see what you practised beside what
        you were asked.
      </p>
      {sessions.isPending && <p role="status">Loading your prep sessions…</p>}
      {sessions.isError && <ErrorNote error={sessions.error} />}
      {sessions.data && sessions.data.total === 0 && (
        <div className="empty">
          <h2>No prep sessions yet</h2>
          <p>Create one for the interview you have coming: say the role and paste the job description.</p>
        </div>
      )}
      {sessions.data && sessions.data.total > 0 && (
        <table className="interviews">
          <caption className="visually-hidden">Your prep sessions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Session</th>
              <th scope="col">Created</th>
              <th scope="col">Questions</th>
              <th scope="col">Answers</th>
            </tr>
          </thead>
          <tbody>
            {sessions.data.items.map((session) => (
              <SessionRow key={session.prep_session_id} session={session} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function SessionRow({ session }: { session: PrepSessionSummary }) {
  return (
    <tr data-testid="prep-session-row">
      <th scope="row">
        <Link to={`/prep/${encodeURIComponent(session.prep_session_id)}`}>{sessionTitle(session)}</Link>
      </th>
      <td>{new Date(session.created_at).toLocaleString()}</td>
      <td>{session.question_count}</td>
      <td>{session.answer_count}</td>
    </tr>
  );
}
