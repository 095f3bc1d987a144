import { useQuery } from "@tanstack/react-query";

import { api, type Schemas, unwrap } from "../../api/client";
import { interviewKeys } from "../../api/queryKeys";
import { useLiveUp } from "../../live/LiveUpdates";
import { isSettled } from "../interviews/api";

export type Analysis = Schemas["AnalysisPublic"];
export type Transcript = Schemas["TranscriptPublic"];

const POLL_MS = 2000;

export function useStatus(interviewId: string) {
  const live = useLiveUp();
  return useQuery({
    queryKey: interviewKeys.status(interviewId),
    queryFn: async () =>
      unwrap(await api.GET("/interviews/{interview_id}/status", { params: { path: { interview_id: interviewId } } })),
    // Live over the WebSocket (src/live/); polled until it settles only while that is down.
    refetchInterval: (query) =>
      live || (query.state.data && isSettled(query.state.data.status)) ? false : POLL_MS,
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

/** The transcript in a download format, as an object URL for a plain link: the download needs
 * the bearer token, and a link the person clicks is what every browser saves (headless Chromium
 * ignores a download started by script after a request, and a data: URL is another origin). */
export function useTranscriptFile(interviewId: string, format: TranscriptFormat) {
  return useQuery({
    queryKey: ["interviews", interviewId, "transcript-file", format],
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: async () => {
      const answer = await api.GET("/interviews/{interview_id}/transcript", {
        params: { path: { interview_id: interviewId }, query: { format } },
        parseAs: "blob",
      });
      return URL.createObjectURL(unwrap(answer) as Blob);
    },
  });
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
