// A resumable upload to the gateway's tus endpoint. tus-js-client keeps each upload's URL under
// its file's fingerprint (name, type, size, last change) in localStorage, so a dropped
// connection or a reloaded tab resumes where the server stopped.
import { useCallback, useEffect, useRef, useState } from "react";
import { type PreviousUpload, Upload } from "tus-js-client";

import { currentToken, signOut } from "../../auth/session";
import { forgetInterrupted, keepInterrupted } from "./interruptedUpload";

export const ENDPOINT = "/uploads/";
// A twentieth of the file per request, between 256 kB and 16 MB: a cut connection costs little
// of a small file (and the next request finds the browser offline), a large one takes few requests.
const MIN_CHUNK_BYTES = 256 * 1024;
const MAX_CHUNK_BYTES = 16 * 1024 * 1024;

function chunkBytes(fileBytes: number): number {
  return Math.min(MAX_CHUNK_BYTES, Math.max(MIN_CHUNK_BYTES, Math.ceil(fileBytes / 20)));
}
const TICK_MS = 1000;
const SPEED_WINDOW_MS = 5000;

export type UploadPhase = "idle" | "uploading" | "offline" | "done" | "failed";

export interface UploadState {
  phase: UploadPhase;
  bytesSent: number;
  bytesTotal: number;
  bytesPerSecond: number;
  secondsLeft: number;
  message: string | null;
}

const IDLE: UploadState = {
  phase: "idle",
  bytesSent: 0,
  bytesTotal: 0,
  bytesPerSecond: 0,
  secondsLeft: Number.POSITIVE_INFINITY,
  message: null,
};

/** The interview an earlier upload of this very file was for, when it did not finish. */
export async function unfinishedUploadOf(file: File): Promise<PreviousUpload | null> {
  const probe = new Upload(file, { endpoint: ENDPOINT });
  const previous = await probe.findPreviousUploads();
  return previous.find((upload) => upload.metadata["interview_id"]) ?? null;
}

export function useTusUpload() {
  const [state, setState] = useState<UploadState>(IDLE);
  const upload = useRef<Upload | null>(null);
  const samples = useRef<Array<{ at: number; bytes: number }>>([]);
  const sent = useRef({ bytes: 0, total: 0 });

  // Speed and time left from the last few seconds, recomputed every second even when no bytes
  // arrive (a stalled upload shows its speed falling instead of a frozen figure).
  useEffect(() => {
    const timer = window.setInterval(() => {
      const now = performance.now();
      samples.current.push({ at: now, bytes: sent.current.bytes });
      samples.current = samples.current.filter((sample) => now - sample.at <= SPEED_WINDOW_MS);
      const first = samples.current[0];
      const elapsed = first ? (now - first.at) / 1000 : 0;
      const speed = first && elapsed > 0 ? (sent.current.bytes - first.bytes) / elapsed : 0;
      setState((previous) =>
        previous.phase === "uploading" || previous.phase === "offline"
          ? {
              ...previous,
              bytesSent: sent.current.bytes,
              bytesTotal: sent.current.total,
              bytesPerSecond: speed,
              secondsLeft: speed > 0 ? (sent.current.total - sent.current.bytes) / speed : Number.POSITIVE_INFINITY,
            }
          : previous,
      );
    }, TICK_MS);
    return () => window.clearInterval(timer);
  }, []);

  useEffect(() => () => void upload.current?.abort(), []);

  const start = useCallback((file: File, interviewId: string, previous: PreviousUpload | null) => {
    sent.current = { bytes: 0, total: file.size };
    samples.current = [];
    setState({ ...IDLE, phase: "uploading", bytesTotal: file.size });

    const resumeWhenOnline = () => {
      window.removeEventListener("online", resumeWhenOnline);
      setState((now) => ({ ...now, phase: "uploading", message: null }));
      current.start();
    };

    const current = new Upload(file, {
      endpoint: ENDPOINT,
      chunkSize: chunkBytes(file.size),
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
      removeFingerprintOnSuccess: true,
      metadata: { interview_id: interviewId, filename: file.name, filetype: file.type || "application/octet-stream" },
      onBeforeRequest(request) {
        const token = currentToken();
        if (token !== null) request.setHeader("Authorization", `Bearer ${token}`);
      },
      onProgress(bytesSent, bytesTotal) {
        sent.current = { bytes: bytesSent, total: bytesTotal };
      },
      onSuccess() {
        forgetInterrupted();
        sent.current = { bytes: file.size, total: file.size };
        setState((now) => ({ ...now, phase: "done", bytesSent: file.size, secondsLeft: 0, message: null }));
      },
      onError(error) {
        if (statusOf(error) === 401) {
          // The session ended mid-upload: sign in again, and it goes on where the server stopped.
          keepInterrupted(file, interviewId);
          signOut(`${uploadFailure(error)} Sign in again: your upload of “${file.name}” then continues.`);
          return;
        }
        if (!navigator.onLine) {
          // tus-js-client gives up at once when offline: pick up where the server stopped
          // as soon as the browser is back online.
          setState((now) => ({
            ...now,
            phase: "offline",
            message: "The connection dropped. The upload resumes by itself when you are back online.",
          }));
          window.addEventListener("online", resumeWhenOnline);
          return;
        }
        setState((now) => ({ ...now, phase: "failed", message: uploadFailure(error) }));
      },
    });
    if (previous !== null) current.resumeFromPreviousUpload(previous);
    upload.current = current;
    current.start();
  }, []);

  return { state, start };
}

interface TusResponse {
  getStatus(): number;
  getBody(): string;
}

function responseOf(error: Error): TusResponse | null {
  return "originalResponse" in error ? (error.originalResponse as TusResponse | null) : null;
}

function statusOf(error: Error): number | null {
  return responseOf(error)?.getStatus() ?? null;
}

function uploadFailure(error: Error): string {
  const response = responseOf(error);
  if (response) {
    try {
      const body: unknown = JSON.parse(response.getBody());
      if (typeof body === "object" && body !== null && "error" in body) {
        const detail = body.error as { message?: unknown };
        if (typeof detail.message === "string") return detail.message;
      }
    } catch {
      // Not the gateway's error body.
    }
  }
  return "The upload failed. Choose Start upload again: it continues where it stopped.";
}
