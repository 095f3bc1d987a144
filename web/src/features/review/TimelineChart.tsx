import { Chart } from "../../components/charts/Chart";
import { clock } from "../../components/time";
import type { Analysis, Turn } from "./api";

/** How positive each sentence of the answers sounded, with the confidence of the answer it is in. */
export function TimelineChart({ analysis }: { analysis: Analysis }) {
  const points = analysis.content?.sentiment_timeline ?? [];
  const turns = analysis.content?.turns ?? [];
  if (points.length === 0) {
    return (
      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">Confidence and sentiment over time</h2>
        <p>No answers were analysed, so there is no timeline.</p>
      </section>
    );
  }
  const rows = points.map((point) => ({
    start: point.start,
    sentiment: point.sentiment,
    confidence: answerAt(turns, point.start)?.confidence ?? null,
  }));
  const lowest = points.reduce((low, point) => (point.sentiment < low.sentiment ? point : low));
  const highest = points.reduce((high, point) => (point.sentiment > high.sentiment ? point : high));
  return (
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">Confidence and sentiment over time</h2>
      <Chart
        id="timeline-chart"
        title="Sentiment of each sentence and confidence of each answer"
        summary={
          `${points.length} sentences of your answers, from −1 (negative) to 1 (positive): the lowest ` +
          `${highest === lowest ? "and highest " : ""}${lowest.sentiment.toFixed(2)} at ${clock(lowest.start)}` +
          (highest === lowest ? "" : `, the highest ${highest.sentiment.toFixed(2)} at ${clock(highest.start)}`) +
          `. Confidence (0–100) is each answer's, from how it was worded.`
        }
        rows={rows}
        xKey="start"
        xType="number"
        formatX={(value) => clock(Number(value))}
        rowHeading="Sentence at"
        rowLabel={(row) => clock(Number(row.start))}
        series={[
          { key: "sentiment", name: "Sentiment", color: "#7c3aed", domain: [-1, 1], format: (value) => value.toFixed(2) },
          { key: "confidence", name: "Confidence", color: "#047857", axis: "right", domain: [0, 100] },
        ]}
        testId="timeline-chart"
      />
    </section>
  );
}

function answerAt(turns: Turn[], second: number): Turn | undefined {
  return turns.find((turn) => (turn.answer_start ?? turn.start) <= second && second <= turn.end);
}
