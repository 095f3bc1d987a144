import { Link, useParams } from "react-router";

import { ErrorNote } from "../../components/ErrorNote";
import { type PracticeAnswer, type PrepQuestion, useAnswers, usePrepSession } from "./api";
import { AnswerBox } from "./AnswerBox";
import { FeedbackView } from "./FeedbackView";
import { QuestionOrigin } from "./QuestionOrigin";
import "./prep.css";

/** Practise one question by chat: every attempt with its feedback, and a box to answer again. */
export default function PracticePage() {
  const { sessionId = "", questionId = "" } = useParams();
  const session = usePrepSession(sessionId);
  const answers = useAnswers(sessionId, questionId);
  const sessionPath = `/prep/${encodeURIComponent(sessionId)}`;

  if (session.isPending) return <p role="status">Loading the question…</p>;
  const questions = session.data?.questions ?? [];
  const index = questions.findIndex((question) => question.question_id === questionId);
  const question = questions[index];
  if (session.isError || question === undefined) {
    return (
      <section aria-labelledby="practice-title">
        <h1 id="practice-title">Practice</h1>
        {session.isError ? (
          <ErrorNote error={session.error} />
        ) : (
          <p role="alert" className="error">
            This prep session has no such question.
          </p>
        )}
        <Link to={sessionPath}>Back to the prep session</Link>
      </section>
    );
  }
  const next = questions[index + 1];

  return (
    <section aria-labelledby="practice-title">
      <p>
        <Link to={sessionPath}>← All questions of this session</Link>
      </p>
      <p className="hint">
        Question {index + 1} of {questions.length}
      </p>
      <h1 id="practice-title" data-testid="practice-question">
        {question.text}
      </h1>
      <p className="question-meta">
        <QuestionOrigin aiGenerated={question.ai_generated} />
        {question.why && <span className="hint"> {question.why}</span>}
      </p>
      <h2 id="attempts-title">Your attempts</h2>
      {answers.isError && <ErrorNote error={answers.error} />}
      <ChatLog question={question} attempts={answers.data ?? []} loading={answers.isPending} />
      <AnswerBox sessionId={sessionId} questionId={questionId} answered={(answers.data?.length ?? 0) > 0} />
      {next && (
        <p>
          <Link to={`${sessionPath}/questions/${encodeURIComponent(next.question_id)}`} data-testid="next-question">
            Next question: {next.text}
          </Link>
        </p>
      )}
    </section>
  );
}

function ChatLog({
  question,
  attempts,
  loading,
}: {
  question: PrepQuestion;
  attempts: PracticeAnswer[];
  loading: boolean;
}) {
  return (
    <div role="log" aria-labelledby="attempts-title" className="chat" data-testid="chat-log">
      {loading && <p role="status">Loading your earlier attempts…</p>}
      {!loading && attempts.length === 0 && (
        <p className="hint">
          No attempts yet. Answer below as you would say it in the interview to “{question.text}”.
        </p>
      )}
      {attempts.map((attempt) => (
        <article
          key={attempt.answer_id}
          className="attempt"
          data-testid="attempt"
          aria-label={`Attempt ${attempt.attempt}`}
        >
          <div className="bubble mine">
            <p className="bubble-title">
              Attempt {attempt.attempt}, {new Date(attempt.created_at).toLocaleString()}
            </p>
            <p className="pre-wrap" data-testid="attempt-answer">
              {attempt.answer}
            </p>
          </div>
          <div className="bubble coach">
            <p className="bubble-title">Feedback</p>
            <FeedbackView feedback={attempt.feedback} />
          </div>
        </article>
      ))}
    </div>
  );
}
