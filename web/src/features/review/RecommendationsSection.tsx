import type { ReactNode } from "react";

import type { Schemas } from "../../api/client";
import type { Analysis } from "./api";

type Recommendation = Schemas["RecommendationMomentsPublic"];

/** What to work on; each moment a recommendation cites is a link to that moment in the transcript. */
export function RecommendationsSection({
  analysis,
  onShowSegment,
}: {
  analysis: Analysis;
  onShowSegment: (seq: number) => void;
}) {
  const recommendations: Recommendation[] =
    analysis.recommendation_moments.length === analysis.recommendations.length
      ? analysis.recommendation_moments
      : analysis.recommendations.map((text) => ({ text, moments: [] }));
  return (
    <section aria-labelledby="recommendations-title">
      <h2 id="recommendations-title">Recommendations</h2>
      {recommendations.length === 0 ? (
        <p>No recommendations for this recording.</p>
      ) : (
        <ul className="recommendations">
          {recommendations.map((recommendation, index) => (
            <li key={index} data-testid="recommendation">
              {withMomentLinks(recommendation, onShowSegment)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The text with each cited moment (in the order cited) as a link to its transcript segment. */
function withMomentLinks(recommendation: Recommendation, onShowSegment: (seq: number) => void): ReactNode[] {
  const parts: ReactNode[] = [];
  let cursor = 0;
  recommendation.moments.forEach((moment, index) => {
    const at = recommendation.text.indexOf(moment.label, cursor);
    const seq = moment.seq;
    if (at < 0 || seq === null) return;
    parts.push(recommendation.text.slice(cursor, at));
    parts.push(
      <a
        key={index}
        href={`#segment-${seq}`}
        className="moment"
        data-testid="moment-link"
        data-seq={seq}
        onClick={(event) => {
          event.preventDefault();
          onShowSegment(seq);
        }}
      >
        {moment.label}
        <span className="visually-hidden"> (show in the transcript)</span>
      </a>,
    );
    cursor = at + moment.label.length;
  });
  parts.push(recommendation.text.slice(cursor));
  return parts;
}
