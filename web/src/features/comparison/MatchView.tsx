import { formatDuration } from "../upload/checkFile";
import { type ComparedQuestion, signed } from "./api";

const DELTAS = [
  ["star", "STAR"],
  ["relevance", "Relevance"],
  ["confidence", "Confidence"],
] as const;

/** One practised question that was asked: the two answers side by side, and what changed. */
export function MatchView({ match }: { match: ComparedQuestion }) {
  return (
    <section className="match card" data-testid="match" aria-label={match.actual_question}>
      <h3 data-testid="match-actual-question">{match.actual_question}</h3>
      <p className="hint">
        Asked at {formatDuration(match.start)}. Practised as: “
        <span data-testid="match-practised-question">{match.practised_question}</span>”
      </p>
      <div className="side-by-side">
        <div>
          <h4>Practised</h4>
          {match.practised_answer ? (
            <p className="pre-wrap" data-testid="practised-answer">
              {match.practised_answer}
            </p>
          ) : (
            <p className="hint" data-testid="practised-answer">
              Not answered in practice.
            </p>
          )}
        </div>
        <div>
          <h4>In the interview</h4>
          <p className="pre-wrap" data-testid="actual-answer">
            {match.actual_answer}
          </p>
        </div>
      </div>
      {match.delta && (
        <dl className="metrics">
          {DELTAS.map(([name, label]) => (
            <div key={name}>
              <dt>{label}</dt>
              <dd data-testid={`delta-${name}`}>{signed(match.delta?.[name] ?? 0)}</dd>
            </div>
          ))}
          <div>
            <dt>Change overall</dt>
            <dd data-testid="delta-score">{match.delta_score === null ? "—" : signed(match.delta_score)}</dd>
          </div>
        </dl>
      )}
      {match.points && (
        <div className="points">
          <Points title="Kept from practice" kind="kept" sentences={match.points.kept} />
          <Points title="Dropped" kind="dropped" sentences={match.points.dropped} />
          <Points title="Added in the interview" kind="added" sentences={match.points.added} />
        </div>
      )}
    </section>
  );
}

function Points({ title, kind, sentences }: { title: string; kind: string; sentences: string[] }) {
  return (
    <div className={`points-${kind}`}>
      <h4>
        {title} ({sentences.length})
      </h4>
      {sentences.length === 0 ? (
        <p className="hint">None.</p>
      ) : (
        <ul>
          {sentences.map((sentence, index) => (
            <li key={index} data-testid={`point-${kind}`}>
              {sentence}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
