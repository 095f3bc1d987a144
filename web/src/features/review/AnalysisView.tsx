import { ErrorNote } from "../../components/ErrorNote";
import { questionsOf, speechNumber, useAnalysis, warningsOf } from "./api";

function oneDecimal(value: number | null): string {
  return value === null ? "—" : String(Math.round(value * 10) / 10);
}

export function AnalysisView({ interviewId }: { interviewId: string }) {
  const analysis = useAnalysis(interviewId, true);
  if (analysis.isPending) return <p role="status">Loading the analysis…</p>;
  if (analysis.isError) return <ErrorNote error={analysis.error} />;
  const result = analysis.data;
  const questions = questionsOf(result);
  const warnings = warningsOf(result);

  return (
    <>
      {warnings.length > 0 && (
        <section aria-labelledby="warnings-title" className="notice">
          <h2 id="warnings-title">Please note</h2>
          <ul>
            {warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="score-title" className="scores">
        <h2 id="score-title">Overall score</h2>
        <p className="big-score">
          <span data-testid="overall-score">{result.overall_score}</span>
          <span className="out-of"> / 100</span>
        </p>
        <dl className="breakdown">
          {Object.entries(result.scores).map(([name, score]) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd>{oneDecimal(score)}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section aria-labelledby="speech-title">
        <h2 id="speech-title">Speech</h2>
        <dl className="metrics">
          <div>
            <dt>Filler words</dt>
            <dd data-testid="filler-total">{speechNumber(result, "filler_total") ?? "—"}</dd>
          </div>
          <div>
            <dt>Pace (words per minute)</dt>
            <dd data-testid="wpm">{oneDecimal(speechNumber(result, "wpm"))}</dd>
          </div>
          <div>
            <dt>Pauses</dt>
            <dd>{speechNumber(result, "pause_count") ?? "—"}</dd>
          </div>
          <div>
            <dt>Clarity</dt>
            <dd>{oneDecimal(speechNumber(result, "clarity_score"))}</dd>
          </div>
        </dl>
      </section>
      <section aria-labelledby="questions-title">
        <h2 id="questions-title">Questions you were asked</h2>
        {questions.length === 0 ? (
          <p>No questions were recognised in this recording.</p>
        ) : (
          <ol>
            {questions.map((question, index) => (
              <li key={index} data-testid="question">
                {question}
              </li>
            ))}
          </ol>
        )}
      </section>
      <section aria-labelledby="recommendations-title">
        <h2 id="recommendations-title">Recommendations</h2>
        <ul>
          {(result.recommendations ?? []).map((recommendation, index) => (
            <li key={index} data-testid="recommendation">
              {recommendation}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
