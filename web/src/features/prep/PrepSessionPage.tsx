import { Link, useParams } from "react-router";

import { ErrorNote } from "../../components/ErrorNote";
import { INTERVIEW_TYPE_LABELS, type InterviewType } from "../../components/interviewTypes";
import { PREP_SESSION_PARAM, type PrepQuestion, sessionTitle, usePrepSession } from "./api";
import { QuestionOrigin } from "./QuestionOrigin";
import "./prep.css";

export default function PrepSessionPage() {
  const { sessionId = "" } = useParams();
  const session = usePrepSession(sessionId);

  if (session.isPending) return <p role="status">Loading the prep session…</p>;
  if (session.isError) {
    return (
      <section aria-labelledby="prep-session-title">
        <h1 id="prep-session-title">Prep session</h1>
        <ErrorNote error={session.error} />
        <Link to="/prep">Back to your prep sessions</Link>
      </section>
    );
  }
  const data = session.data;
  const typeLabel = data.interview_type ? INTERVIEW_TYPE_LABELS[data.interview_type as InterviewType] : null;

  return (
    <section aria-labelledby="prep-session-title">
      <p>
        <Link to="/prep">← My prep sessions</Link>
      </p>
      <h1 id="prep-session-title">{sessionTitle(data)}</h1>
      <p className="hint">
        {[typeLabel && `${typeLabel} interview`, `created ${new Date(data.created_at).toLocaleString()}`]
          .filter(Boolean)
          .join(", ")}
      </p>
      {data.notice && (
        <p role="status" className="notice" data-testid="prep-notice">
          {data.notice}
        </p>
      )}
      {data.job_description && (
        <details>
          <summary>Job description</summary>
          <p className="pre-wrap">{data.job_description}</p>
        </details>
      )}
      <h2>Questions to practise</h2>
      <p>
        Choose a question, answer it as you would say it, and get feedback at once. Answer again as often as you like.
      </p>
      <ol className="prep-questions">
        {data.questions.map((question) => (
          <QuestionItem key={question.question_id} sessionId={sessionId} question={question} />
        ))}
      </ol>
      <p>
        Had the interview?{" "}
        <Link
          to={`/new?${PREP_SESSION_PARAM}=${encodeURIComponent(sessionId)}`}
          data-testid="upload-prepared-interview"
        >
          Upload its recording, linked to this session
        </Link>
        , and compare it with your practice once it is analysed.
      </p>
    </section>
  );
}

function QuestionItem({ sessionId, question }: { sessionId: string; question: PrepQuestion }) {
  const feedback = question.latest_feedback;
  return (
    <li data-testid="prep-question" className="card">
      <p className="question-text" data-testid="question-text">
        {question.text}
      </p>
      <p className="question-meta">
        <QuestionOrigin aiGenerated={question.ai_generated} />
        <span className="badge">{question.kind}</span>
        {question.why && <span className="hint"> {question.why}</span>}
      </p>
      <p className="question-meta">
        <span data-testid="attempts">{attemptsWord(question.attempts)}</span>
        {feedback && (
          <span>
            , latest: STAR {feedback.star_score}/100,{" "}
            {feedback.star_missing.length === 0 ? "every part found" : `missing ${feedback.star_missing.join(", ")}`}
          </span>
        )}
        {" · "}
        <Link
          to={`/prep/${encodeURIComponent(sessionId)}/questions/${encodeURIComponent(question.question_id)}`}
          data-testid="practise"
        >
          {question.attempts === 0 ? "Practise" : "Practise again"}
          <span className="visually-hidden">: {question.text}</span>
        </Link>
      </p>
    </li>
  );
}

function attemptsWord(attempts: number): string {
  if (attempts === 0) return "Not answered yet";
  return attempts === 1 ? "1 attempt" : `${attempts} attempts`;
}
