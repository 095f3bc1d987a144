import { oneDecimal } from "../../components/time";
import type { Analysis } from "./api";

const CATEGORIES: Record<string, string> = {
  speech: "Speech",
  structure: "Structure (STAR)",
  relevance: "Relevance",
  confidence: "Confidence",
  enthusiasm: "Enthusiasm",
};
const SPEECH_PARTS: Record<string, string> = {
  pace: "Pace",
  fillers: "Filler words",
  pauses: "Pauses",
  clarity: "Clarity",
};

/** The overall score, the score of each category it weighs, and the parts of the speech score. */
export function ScoreSection({ analysis }: { analysis: Analysis }) {
  const categories = Object.entries(analysis.scores);
  return (
    <section aria-labelledby="score-title" className="scores">
      <h2 id="score-title">Overall score</h2>
      <p className="big-score">
        <span data-testid="overall-score">{analysis.overall_score}</span>
        <span className="out-of"> / 100</span>
        {analysis.preliminary && <span className="badge badge-preliminary">Preliminary</span>}
      </p>
      {categories.length === 0 ? (
        <p>No category was scored: see the note above.</p>
      ) : (
        <ScoreList
          label="Score by category (each out of 100)"
          scores={categories}
          names={CATEGORIES}
          testId="category-score"
        />
      )}
      <ScoreList
        label="Your speech score, part by part (each out of 100)"
        scores={Object.entries(analysis.speech.score_breakdown)}
        names={SPEECH_PARTS}
        testId="speech-part-score"
      />
    </section>
  );
}

function ScoreList({
  label,
  scores,
  names,
  testId,
}: {
  label: string;
  scores: Array<[string, number]>;
  names: Record<string, string>;
  testId: string;
}) {
  return (
    <>
      <h3>{label}</h3>
      <dl className="breakdown">
        {scores.map(([name, score]) => (
          <div key={name} data-testid={testId} data-name={name}>
            <dt>{names[name] ?? name}</dt>
            <dd>
              <span className="score-value">{oneDecimal(score)}</span>
              <span className="bar" aria-hidden="true">
                <span style={{ width: `${Math.max(0, Math.min(100, score))}%` }} />
              </span>
            </dd>
          </div>
        ))}
      </dl>
    </>
  );
}
