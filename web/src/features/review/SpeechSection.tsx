import { Chart } from "../../components/charts/Chart";
import { ErrorNote } from "../../components/ErrorNote";
import { clock, oneDecimal } from "../../components/time";
import { type Analysis, useMetrics } from "./api";

/** Filler words (by kind and per minute), pace (overall and over time), pauses and clarity. */
export function SpeechSection({ analysis }: { analysis: Analysis }) {
  const speech = analysis.speech;
  const figures: Array<[string, string, string]> = [
    ["Filler words", String(speech.filler_total), "filler-total"],
    ["Filler words per minute", oneDecimal(speech.fillers_per_minute), "fillers-per-minute"],
    ["Pace (words per minute)", oneDecimal(speech.wpm), "wpm"],
    ["Pauses", String(speech.pause_count), "pause-count"],
    ["Pauses of 2 s or more", String(speech.long_pause_count), "long-pause-count"],
    ["Longest pause (s)", oneDecimal(speech.longest_pause_seconds), "longest-pause"],
    ["Clarity (out of 100)", oneDecimal(speech.clarity_score), "clarity"],
  ];
  return (
    <section aria-labelledby="speech-title">
      <h2 id="speech-title">Speech</h2>
      <dl className="metrics">
        {figures.map(([label, value, testId]) => (
          <div key={testId}>
            <dt>{label}</dt>
            <dd data-testid={testId}>{value}</dd>
          </div>
        ))}
      </dl>
      <FillerKinds fillers={speech.filler_words} />
      <PaceChart interviewId={analysis.interview_id} wpm={speech.wpm} />
    </section>
  );
}

function FillerKinds({ fillers }: { fillers: Record<string, number> }) {
  const kinds = Object.entries(fillers).sort(([a, first], [b, second]) => second - first || a.localeCompare(b));
  if (kinds.length === 0) return <p>You used no filler words.</p>;
  return (
    <table className="fillers">
      <caption>Filler words by kind</caption>
      <thead>
        <tr>
          <th scope="col">Filler</th>
          <th scope="col">Times said</th>
        </tr>
      </thead>
      <tbody>
        {kinds.map(([kind, count]) => (
          <tr key={kind} data-testid="filler-kind" data-kind={kind}>
            <th scope="row">“{kind}”</th>
            <td>{count}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PaceChart({ interviewId, wpm }: { interviewId: string; wpm: number }) {
  const metrics = useMetrics(interviewId, true);
  if (metrics.isPending) return <p role="status">Loading your pace over time…</p>;
  if (metrics.isError) return <ErrorNote error={metrics.error} />;
  const rows = metrics.data.data.map((segment) => ({ start: segment.start, wpm: segment.words_per_minute }));
  const paces = rows.map((row) => row.wpm);
  const summary =
    rows.length === 0
      ? "No speech was measured."
      : `Your pace in ${rows.length === 1 ? "the one stretch" : `each of ${rows.length} stretches`} of speech, from ${Math.round(Math.min(...paces))} to ` +
        `${Math.round(Math.max(...paces))} words per minute; ${Math.round(wpm)} over the whole interview.`;
  return (
    <Chart
      id="pace-chart"
      title="Pace over time"
      summary={summary}
      rows={rows}
      xKey="start"
      xType="number"
      formatX={(value) => clock(Number(value))}
      rowHeading="From"
      rowLabel={(row) => clock(Number(row.start))}
      series={[{ key: "wpm", name: "Words per minute", color: "#1d4ed8" }]}
      testId="pace-chart"
    />
  );
}
