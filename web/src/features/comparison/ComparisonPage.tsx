import { Link, useParams } from "react-router";

import { ErrorNote } from "../../components/ErrorNote";
import { useInterview } from "../review/api";
import { formatDuration } from "../upload/checkFile";
import { type PrepComparison, signed, useComparison } from "./api";
import { MatchView } from "./MatchView";
import "./comparison.css";

/** Prep versus actual: what the user practised beside what they were asked, as the analysis says. */
export default function ComparisonPage() {
  const { interviewId = "" } = useParams();
  const interview = useInterview(interviewId);
  const comparison = useComparison(interviewId);
  const interviewPath = `/review/${encodeURIComponent(interviewId)}`;
  const title = [interview.data?.company, interview.data?.job_title].filter(Boolean).join(" · ") || "Interview";

  return (
    <article aria-labelledby="comparison-title">
      <p>
        <Link to={interviewPath}>← {title}</Link>
      </p>
      <h1 id="comparison-title">Prep versus actual</h1>
      {comparison.isPending && <p role="status">Loading the comparison…</p>}
      {comparison.isError && (
        <div data-testid="no-comparison">
          <ErrorNote error={comparison.error} />
          <p>
            <Link to={interviewPath}>Back to the interview</Link> · <Link to="/prep">Your prep sessions</Link>
          </p>
        </div>
      )}
      {comparison.data && <Comparison comparison={comparison.data} />}
    </article>
  );
}

function Comparison({ comparison }: { comparison: PrepComparison }) {
  const score = comparison.improvement_score;
  return (
    <>
      <p>
        Compared with{" "}
        <Link to={`/prep/${encodeURIComponent(comparison.prep_session_id)}`} data-testid="compared-session">
          the prep session you linked
        </Link>
        : the latest practice answer to each question beside what you said in the interview.
      </p>
      <section aria-labelledby="improvement-title">
        <h2 id="improvement-title">Improvement score</h2>
        <p className="big-score">
          <span data-testid="improvement-score">{score === null ? "—" : signed(score)}</span>
          <span className="out-of"> on −100 to +100</span>
        </p>
        <p className="hint">
          {score === null
            ? "No question you answered in practice was asked, so there is no change to measure."
            : "The mean change in STAR structure, relevance and confidence from your practice answers to your " +
              "interview answers."}
        </p>
        <dl className="metrics">
          <div>
            <dt>Practised and asked</dt>
            <dd data-testid="practised-and-asked">{comparison.practised_and_asked}</dd>
          </div>
          <div>
            <dt>Unexpected questions</dt>
            <dd data-testid="unexpected-count">{comparison.unexpected_questions.length}</dd>
          </div>
          <div>
            <dt>Practised, not asked</dt>
            <dd data-testid="not-asked-count">{comparison.practised_not_asked.length}</dd>
          </div>
        </dl>
      </section>
      <section aria-labelledby="matches-title">
        <h2 id="matches-title">Practised questions you were asked</h2>
        {comparison.matches.length === 0 ? (
          <p>None of the questions you practised was asked.</p>
        ) : (
          comparison.matches.map((match, index) => <MatchView key={index} match={match} />)
        )}
      </section>
      <section aria-labelledby="unexpected-title">
        <h2 id="unexpected-title">Questions you did not practise</h2>
        {comparison.unexpected_questions.length === 0 ? (
          <p>Every question you were asked was one you practised.</p>
        ) : (
          <ol>
            {comparison.unexpected_questions.map((question, index) => (
              <li key={index} data-testid="unexpected-question">
                <span className="time">{formatDuration(question.start)}</span>
                <span data-testid="question">{question.question}</span>
              </li>
            ))}
          </ol>
        )}
      </section>
      <section aria-labelledby="not-asked-title">
        <h2 id="not-asked-title">Practised but not asked</h2>
        {comparison.practised_not_asked.length === 0 ? (
          <p>You were asked every question you practised.</p>
        ) : (
          <ul>
            {comparison.practised_not_asked.map((question, index) => (
              <li key={index} data-testid="not-asked-question">
                {question}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
