import { type ReactNode, useDeferredValue, useState } from "react";

import { ErrorNote } from "../../components/ErrorNote";
import { formatDuration } from "../upload/checkFile";
import { downloadTranscript, type TranscriptFormat, useTranscript } from "./api";

const FORMATS: TranscriptFormat[] = ["txt", "srt", "vtt"];

export function TranscriptView({ interviewId }: { interviewId: string }) {
  const [search, setSearch] = useState("");
  const query = useDeferredValue(search.trim());
  const transcript = useTranscript(interviewId, true, query);
  const [downloadError, setDownloadError] = useState<unknown>(null);

  async function download(format: TranscriptFormat) {
    setDownloadError(null);
    try {
      await downloadTranscript(interviewId, format);
    } catch (error) {
      setDownloadError(error);
    }
  }

  return (
    <section aria-labelledby="transcript-title">
      <h2 id="transcript-title">Transcript</h2>
      <div className="transcript-tools">
        <label htmlFor="transcript-search">Search the transcript</label>
        <input
          id="transcript-search"
          type="search"
          data-testid="transcript-search"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
        <span>Download:</span>
        {FORMATS.map((format) => (
          <button key={format} type="button" data-testid={`download-${format}`} onClick={() => void download(format)}>
            {format.toUpperCase()}
          </button>
        ))}
      </div>
      {downloadError !== null && <ErrorNote error={downloadError} />}
      {transcript.isError && <ErrorNote error={transcript.error} />}
      {transcript.data && (
        <>
          <p role="status">
            {query ? `${transcript.data.count} segments contain “${query}”.` : `${transcript.data.count} segments.`}
          </p>
          <ol className="transcript">
            {transcript.data.segments.map((segment) => (
              <li key={segment.seq} data-testid="transcript-segment">
                <span className="time">{formatDuration(segment.start)}</span> {highlight(segment.text, query)}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

function highlight(text: string, query: string): ReactNode {
  const words = query.split(/\s+/).filter(Boolean).map(escapeRegExp);
  if (words.length === 0) return text;
  const pattern = new RegExp(`(${words.join("|")})`, "gi");
  return text.split(pattern).map((part, index) => (index % 2 === 1 ? <mark key={index}>{part}</mark> : part));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
