import { useQuery } from "@tanstack/react-query";

import { api, type Schemas, unwrap } from "../../api/client";
import { isSettled } from "../interviews/api";

export type Analysis = Schemas["AnalysisPublic"];
export type Transcript = Schemas["TranscriptPublic"];

const POLL_MS = 2000;

export function useStatus(interviewId: string) {
  return useQuery({
    queryKey: ["interviews", interviewId, "status"],
    queryFn: async () =>
      unwrap(await api.GET("/interviews/{interview_id}/status", { params: { path: { interview_id: interviewId } } })),
    // Polled until it settles; the notifications WebSocket replaces this later.
    refetchInterval: (query) => (query.state.data && isSettled(query.state.data.status) ? false : POLL_MS),
  });
}

export function useInterview(interviewId: string) {
  return useQuery({
    queryKey: ["interviews", interviewId],
    queryFn: async () =>
      unwrap(await api.GET("/interviews/{interview_id}", { params: { path: { interview_id: interviewId } } })),
  });
}

export function useAnalysis(interviewId: string, ready: boolean) {
  return useQuery({
    queryKey: ["interviews", interviewId, "analysis"],
    enabled: ready,
    queryFn: async () =>
      unwrap(
        await api.GET("/interviews/{interview_id}/analysis", { params: { path: { interview_id: interviewId } } }),
      ),
  });
}

export function useTranscript(interviewId: string, ready: boolean, search: string) {
  return useQuery({
    queryKey: ["interviews", interviewId, "transcript", search],
    enabled: ready,
    placeholderData: (previous) => previous,
    queryFn: async () => {
      const answer = await api.GET("/interviews/{interview_id}/transcript", {
        params: { path: { interview_id: interviewId }, query: search ? { q: search } : {} },
      });
      // The route also answers text formats, so its 200 is typed as a union: JSON is asked here.
      return unwrap(answer) as Transcript;
    },
  });
}

export type TranscriptFormat = "txt" | "srt" | "vtt";

/** The transcript as a file (the download needs the bearer token, so no plain link). */
export async function downloadTranscript(interviewId: string, format: TranscriptFormat): Promise<void> {
  const answer = await api.GET("/interviews/{interview_id}/transcript", {
    params: { path: { interview_id: interviewId }, query: { format } },
    parseAs: "blob",
  });
  const blob = unwrap(answer) as Blob;
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = `transcript-${interviewId}.${format}`;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A field of the analysis' speech section, which the OpenAPI document leaves untyped. */
export function speechNumber(analysis: Analysis, name: string): number | null {
  const value = analysis.speech[name];
  return typeof value === "number" ? value : null;
}

/** The questions the interviewer asked: the content section is untyped in the OpenAPI document. */
export function questionsOf(analysis: Analysis): string[] {
  const content: unknown = analysis.content;
  if (typeof content !== "object" || content === null || !("questions" in content)) return [];
  const questions: unknown = content.questions;
  return Array.isArray(questions) ? questions.filter((question): question is string => typeof question === "string") : [];
}

/** The analysis' warnings in words (preliminary, speakers uncertain, not an interview). */
export function warningsOf(analysis: Analysis): string[] {
  const warnings: unknown = analysis["warnings"];
  return Array.isArray(warnings) ? warnings.filter((warning): warning is string => typeof warning === "string") : [];
}
