import { type ReactNode, useDeferredValue, useState } from "react";

import { ErrorNote } from "../../components/ErrorNote";
import { formatDuration } from "../upload/checkFile";
import { type TranscriptFormat, useTranscript, useTranscriptFile } from "./api";

const FORMATS: TranscriptFormat[] = ["txt", "srt", "vtt"];

export function TranscriptView({ interviewId }: { interviewId: string }) {
  const [search, setSearch] = useState("");
  const query = useDeferredValue(search.trim());
  const transcript = useTranscript(interviewId, true, query);

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
          <DownloadLink key={format} interviewId={interviewId} format={format} />
        ))}
      </div>
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

function DownloadLink({ interviewId, format }: { interviewId: string; format: TranscriptFormat }) {
  const file = useTranscriptFile(interviewId, format);
  const label = format.toUpperCase();
  if (file.isError) return <ErrorNote error={file.error} />;
  if (file.data === undefined) return <span aria-busy="true">{label}</span>;
  return (
    <a
      className="button secondary"
      data-testid={`download-${format}`}
      href={file.data}
      download={`transcript-${interviewId}.${format}`}
    >
      {label}
      <span className="visually-hidden"> transcript</span>
    </a>
  );
}
