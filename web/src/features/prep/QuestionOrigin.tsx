/** Whether a question was written by AI for this job or taken from the curated bank, in words. */
export function QuestionOrigin({ aiGenerated }: { aiGenerated: boolean }) {
  return aiGenerated ? (
    <span className="badge badge-ai" data-testid="ai-generated">
      AI-generated
    </span>
  ) : (
    <span className="badge" data-testid="bank-question">
      From the curated bank
    </span>
  );
}
