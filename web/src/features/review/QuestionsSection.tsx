import { clock } from "../../components/time";
import type { Analysis, Turn } from "./api";

const STAR_PARTS = [
  ["situation", "Situation"],
  ["task", "Task"],
  ["action", "Action"],
  ["result", "Result"],
] as const;

/** Each question asked, with the STAR parts of the answer (and where they were said), its
 * relevance, confidence and the notes on it. */
export function QuestionsSection({ analysis }: { analysis: Analysis }) {
  const content = analysis.content;
  const turns = content?.turns ?? [];
  return (
    <section aria-labelledby="questions-title">
      <h2 id="questions-title">Questions you were asked</h2>
      {content?.message && <p>{content.message}</p>}
      {turns.length === 0 ? (
        !content?.message && <p>No questions were recognised in this recording.</p>
      ) : (
        <ol className="questions">
          {turns.map((turn) => (
            <QuestionItem key={turn.turn_index} turn={turn} />
          ))}
        </ol>
      )}
    </section>
  );
}

function QuestionItem({ turn }: { turn: Turn }) {
  const titleId = `question-${turn.turn_index}`;
  return (
    <li data-testid="question" aria-labelledby={titleId} className="question">
      <h3 id={titleId}>{turn.question}</h3>
      <p className="hint">
        Asked at {clock(turn.start)}
        {turn.answer_start != null && `, answered from ${clock(turn.answer_start)}`}
      </p>
      <dl className="metrics answer-scores">
        <div>
          <dt>Relevance</dt>
          <dd data-testid="relevance">{turn.relevance}</dd>
        </div>
        <div>
          <dt>STAR score</dt>
          <dd data-testid="star-score">{turn.star.score}</dd>
        </div>
        <div>
          <dt>Confidence</dt>
          <dd data-testid="answer-confidence">{turn.confidence}</dd>
        </div>
      </dl>
      <table className="star" data-testid="star-table">
        <caption>STAR parts of your answer</caption>
        <thead>
          <tr>
            <th scope="col">Part</th>
            <th scope="col">In your answer</th>
            <th scope="col">Where you said it</th>
          </tr>
        </thead>
        <tbody>
          {STAR_PARTS.map(([part, label]) => {
            const found = turn.star[part];
            return (
              <tr key={part} data-testid="star-part" data-part={part} data-present={String(found.present)}>
                <th scope="row">{label}</th>
                <td className={found.present ? "present" : "missing"}>{found.present ? "✓ Yes" : "✗ Missing"}</td>
                <td>
                  {found.evidence.length === 0
                    ? "—"
                    : found.evidence.map((span) => (
                        <q key={span.start} className="evidence">
                          <span className="time">{clock(span.start)}</span>
                          {span.text}
                        </q>
                      ))}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {turn.feedback.length > 0 && (
        <ul className="feedback">
          {turn.feedback.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
    </li>
  );
}
