import { ErrorNote } from "../../components/ErrorNote";
import { FileLink } from "../../components/FileLink";
import { useAnalysis, useAnalysisPdf } from "./api";
import { QuestionsSection } from "./QuestionsSection";
import { RecommendationsSection } from "./RecommendationsSection";
import { ScoreSection } from "./ScoreSection";
import { SpeechSection } from "./SpeechSection";
import { TimelineChart } from "./TimelineChart";
import { WarningsNote } from "./WarningsNote";

/** One interview's analysis: warnings first, then the scores, speech, questions, the timeline and
 * what to work on. Never the recording. */
export function AnalysisView({
  interviewId,
  onShowSegment,
}: {
  interviewId: string;
  onShowSegment: (seq: number) => void;
}) {
  const analysis = useAnalysis(interviewId, true);
  const pdf = useAnalysisPdf(interviewId);
  if (analysis.isPending) return <p role="status">Loading the analysis…</p>;
  if (analysis.isError) return <ErrorNote error={analysis.error} />;
  const result = analysis.data;

  return (
    <>
      <p className="actions">
        <FileLink
          file={pdf}
          filename={`analysis-${interviewId}.pdf`}
          label="Download PDF"
          description="of this analysis"
          testId="download-pdf"
        />
      </p>
      <WarningsNote analysis={result} />
      <ScoreSection analysis={result} />
      <SpeechSection analysis={result} />
      <QuestionsSection analysis={result} />
      <TimelineChart analysis={result} />
      <RecommendationsSection analysis={result} onShowSegment={onShowSegment} />
    </>
  );
}
