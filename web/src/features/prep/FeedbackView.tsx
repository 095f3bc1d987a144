import type { PracticeFeedback } from "./api";

const STAR_PARTS = ["situation", "task", "action", "result"] as const;

/** The feedback on one practice answer, as the gateway gave it: nothing is scored here. */
export function FeedbackView({ feedback }: { feedback: PracticeFeedback }) {
  return (
    <div className="feedback" data-testid="feedback">
      <ul className="star-parts" aria-label="STAR parts">
        {STAR_PARTS.map((part) => (
          <li
            key={part}
            className={feedback.star[part] ? "star-found" : "star-missing"}
            data-testid={feedback.star[part] ? "star-found" : "star-missing"}
            data-part={part}
          >
            <span aria-hidden="true">{feedback.star[part] ? "✓ " : "✗ "}</span>
            {part}
            <span className="visually-hidden">{feedback.star[part] ? ": found" : ": missing"}</span>
          </li>
        ))}
      </ul>
      <dl className="metrics feedback-figures">
        <div>
          <dt>STAR</dt>
          <dd data-testid="star-score">{feedback.star_score}</dd>
        </div>
        <div>
          <dt>Relevance</dt>
          <dd data-testid="relevance">{feedback.relevance}</dd>
        </div>
        <div>
          <dt>Confidence</dt>
          <dd data-testid="confidence">{feedback.confidence}</dd>
        </div>
        <div>
          <dt>Length</dt>
          <dd data-testid="word-count">
            {feedback.word_count} words
            <span className="out-of"> · about {feedback.speaking_seconds} s spoken</span>
          </dd>
        </div>
      </dl>
      {feedback.hedges.length > 0 && (
        <p>
          Hedges:{" "}
          {feedback.hedges.map((hedge, index) => (
            <span key={index}>
              {index > 0 && ", "}
              <q data-testid="hedge">{hedge}</q>
            </span>
          ))}
        </p>
      )}
      {feedback.notes.length === 0 ? (
        <p data-testid="no-notes">Nothing to change: a complete, relevant, plainly told answer.</p>
      ) : (
        <>
          <p className="feedback-heading">What to improve</p>
          <ul>
            {feedback.notes.map((note, index) => (
              <li key={index} data-testid="feedback-note">
                {note}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
