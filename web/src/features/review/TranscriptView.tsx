import { type ReactNode, useDeferredValue, useEffect, useRef, useState } from "react";

import { ErrorNote } from "../../components/ErrorNote";
import { FileLink } from "../../components/FileLink";
import { clock } from "../../components/time";
import { type TranscriptFormat, useTranscript, useTranscriptFile } from "./api";

const FORMATS: TranscriptFormat[] = ["txt", "srt", "vtt"];

/** A segment someone asked to be taken to (a recommendation's moment); `request` tells two clicks
 * on the same moment apart. */
export type SegmentTarget = { seq: number; request: number };

export function TranscriptView({ interviewId, target }: { interviewId: string; target: SegmentTarget | null }) {
  const [search, setSearch] = useState("");
  const query = useDeferredValue(search.trim());
  const transcript = useTranscript(interviewId, true, query);
  const shown = useRef<number | null>(null);

  // Taken to a moment: the whole transcript again, then that segment, scrolled to and focused.
  useEffect(() => {
    if (target !== null) setSearch("");
  }, [target]);
  useEffect(() => {
    if (target === null || shown.current === target.request || query !== "") return;
    const segment = document.getElementById(`segment-${target.seq}`);
    if (segment === null) return;
    shown.current = target.request;
    segment.scrollIntoView({ block: "center" });
    segment.focus({ preventScroll: true });
  }, [target, query, transcript.data]);

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
          <p role="status" data-testid="transcript-count">
            {!query
              ? `${transcript.data.count} segment${transcript.data.count === 1 ? "" : "s"}.`
              : transcript.data.count === 0
                ? `No segment contains “${query}”. Clear the search to see the whole transcript.`
                : `${transcript.data.count} segment${transcript.data.count === 1 ? " contains" : "s contain"} “${query}”.`}
          </p>
          <ol className="transcript">
            {transcript.data.segments.map((segment) => (
              <li
                key={segment.seq}
                id={`segment-${segment.seq}`}
                tabIndex={-1}
                data-testid="transcript-segment"
                data-seq={segment.seq}
                className={target?.seq === segment.seq ? "segment-target" : undefined}
                aria-current={target?.seq === segment.seq ? "location" : undefined}
              >
                <span className="time">{clock(segment.start)}</span> {highlight(segment.text, query)}
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
  return (
    <FileLink
      file={useTranscriptFile(interviewId, format)}
      filename={`transcript-${interviewId}.${format}`}
      label={format.toUpperCase()}
      description="transcript"
      testId={`download-${format}`}
    />
  );
}
