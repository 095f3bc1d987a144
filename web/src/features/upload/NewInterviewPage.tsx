import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { Link } from "react-router";

import { api, type Schemas, unwrap } from "../../api/client";
import { currentUserId } from "../../auth/session";
import { describeError } from "../../components/ErrorNote";
import { type InterviewType } from "../../components/interviewTypes";
import { interviewKeys } from "../interviews/api";
import { InterviewTypeSelect } from "../interviews/InterviewTypeSelect";
import { PrepSessionPicker } from "../prep/PrepSessionPicker";
import { ACCEPT_ATTRIBUTE, formatBytes, formatDuration, problemWith } from "./checkFile";
import { interruptedUploadOf } from "./interruptedUpload";
import { type UploadState, unfinishedUploadOf, useTusUpload } from "./useTusUpload";

type InterviewCreate = Schemas["InterviewCreate"];

export default function NewInterviewPage() {
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const [interviewId, setInterviewId] = useState<string | null>(null);
  const [resumed, setResumed] = useState(false);
  const { state, start } = useTusUpload();

  // Back after the session ended mid-upload: the same file goes on into the same interview.
  const resuming = useRef(false);
  useEffect(() => {
    const userId = currentUserId();
    const interrupted = userId === null ? null : interruptedUploadOf(userId);
    if (interrupted === null || resuming.current) return;
    resuming.current = true;
    void unfinishedUploadOf(interrupted.file).then((previous) => {
      setInterviewId(interrupted.interviewId);
      setResumed(true);
      start(interrupted.file, interrupted.interviewId, previous);
    });
  }, [start]);

  const begin = useMutation({
    mutationFn: async ({ metadata, recording }: { metadata: InterviewCreate; recording: File }) => {
      // The same file, its upload cut short earlier (even before a reload): continue that one.
      const previous = await unfinishedUploadOf(recording);
      const earlierInterview = previous?.metadata["interview_id"];
      if (previous !== null && earlierInterview) return { id: earlierInterview, previous };
      const created = unwrap(await api.POST("/interviews", { body: metadata }));
      return { id: created.interview_id, previous: null };
    },
    onSuccess: ({ id, previous }, { recording }) => {
      setInterviewId(id);
      setResumed(previous !== null);
      void queryClient.invalidateQueries({ queryKey: interviewKeys.all });
      start(recording, id, previous);
    },
  });

  function chooseFile(chosen: File | null) {
    setFile(chosen);
    setFileProblem(chosen === null ? null : problemWith(chosen));
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (file === null) {
      setFileProblem("Choose the recording to upload first.");
      return;
    }
    const problem = problemWith(file);
    setFileProblem(problem);
    if (problem !== null) return;
    const form = new FormData(event.currentTarget);
    const text = (name: string) => {
      const value = String(form.get(name) ?? "").trim();
      return value === "" ? null : value;
    };
    begin.mutate({
      metadata: {
        company: text("company"),
        job_title: text("job_title"),
        interview_type: (text("interview_type") as InterviewType | null) ?? null,
        notes: text("notes"),
        job_description: text("job_description"),
        prep_session_id: text("prep_session_id"),
      },
      recording: file,
    });
  }

  const busy = begin.isPending || state.phase === "uploading" || state.phase === "offline";
  const locked = busy || state.phase === "done";

  return (
    <section aria-labelledby="new-title">
      <h1 id="new-title">New interview</h1>
      <p>Say what the interview was, then upload its recording. The recording is analysed, never played back.</p>
      <form onSubmit={submit} className="stack">
        <fieldset disabled={locked}>
          <legend>About the interview</legend>
          <label htmlFor="company">Company</label>
          <input id="company" name="company" data-testid="company" maxLength={200} />
          <label htmlFor="job-title">Job title</label>
          <input id="job-title" name="job_title" data-testid="job-title" maxLength={200} />
          <label htmlFor="interview-type">Type</label>
          <InterviewTypeSelect id="interview-type" defaultValue="" />
          <label htmlFor="notes">Notes</label>
          <textarea id="notes" name="notes" rows={3} maxLength={10000} />
          <label htmlFor="job-description">Job description</label>
          <textarea id="job-description" name="job_description" rows={5} maxLength={50000} />
          <PrepSessionPicker />
        </fieldset>
        <fieldset disabled={locked}>
          <legend>Recording</legend>
          <label htmlFor="recording-file">Recording (MP4, MOV, WebM, M4A or WAV, up to 2 GB)</label>
          <input
            id="recording-file"
            data-testid="recording-file"
            type="file"
            accept={ACCEPT_ATTRIBUTE}
            aria-describedby="file-problem"
            aria-invalid={fileProblem !== null}
            onChange={(event) => chooseFile(event.target.files?.[0] ?? null)}
          />
          <p id="file-problem" role="alert" className="error">
            {fileProblem}
          </p>
        </fieldset>
        <button type="submit" data-testid="start-upload" disabled={locked}>
          Start upload
        </button>
        {begin.isError && (
          <p role="alert" className="error">
            {describeError(begin.error)}
          </p>
        )}
      </form>
      {state.phase !== "idle" && <Progress state={state} resumed={resumed} />}
      {state.phase === "done" && interviewId !== null && (
        <div className="done" role="status">
          <p>
            Uploaded. Interview id: <code>{interviewId}</code>
          </p>
          <Link to={`/review/${encodeURIComponent(interviewId)}`} className="button" data-testid="open-interview">
            Follow its analysis
          </Link>
        </div>
      )}
    </section>
  );
}

function Progress({ state, resumed }: { state: UploadState; resumed: boolean }) {
  const percent = state.bytesTotal > 0 ? (100 * state.bytesSent) / state.bytesTotal : 0;
  return (
    <div className="upload-progress">
      <progress max={100} value={percent} aria-label="Upload progress" />
      <p data-testid="upload-progress" role="status" aria-live="polite">
        {resumed && "Resuming the earlier upload of this file. "}
        {Math.floor(percent)} % · {formatBytes(state.bytesSent)} of {formatBytes(state.bytesTotal)}
        {state.phase === "uploading" &&
          ` · ${formatBytes(state.bytesPerSecond)}/s · ${formatDuration(state.secondsLeft)} left`}
        {state.phase === "done" && " · done"}
      </p>
      {state.message !== null && (
        <p role="alert" className={state.phase === "failed" ? "error" : "notice"}>
          {state.message}
        </p>
      )}
    </div>
  );
}
