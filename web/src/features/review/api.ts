import { useQuery } from "@tanstack/react-query";

import { api, type Schemas, unwrap } from "../../api/client";
import { useFileUrl } from "../../api/files";
import { interviewKeys } from "../../api/queryKeys";
import { useLiveUp } from "../../live/LiveUpdates";
import { isSettled } from "../interviews/api";

export type Analysis = Schemas["AnalysisPublic"];
export type Turn = Schemas["TurnPublic"];
export type Transcript = Schemas["TranscriptPublic"];
export type SegmentMetrics = Schemas["SegmentMetricsPublic"];

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

export function useMetrics(interviewId: string, ready: boolean) {
  return useQuery({
    queryKey: ["interviews", interviewId, "metrics"],
    enabled: ready,
    queryFn: async () =>
      unwrap(await api.GET("/interviews/{interview_id}/metrics", { params: { path: { interview_id: interviewId } } })),
  });
}

export type TranscriptFormat = "txt" | "srt" | "vtt";

/** The transcript in a download format, as an object URL for a plain link (see useFileUrl). */
export function useTranscriptFile(interviewId: string, format: TranscriptFormat) {
  return useFileUrl(["interviews", interviewId, "transcript", format], async () => {
    const answer = await api.GET("/interviews/{interview_id}/transcript", {
      params: { path: { interview_id: interviewId }, query: { format } },
      parseAs: "blob",
    });
    return unwrap(answer) as Blob;
  });
}

/** The analysis as a PDF made by the gateway, as an object URL for a plain link. */
export function useAnalysisPdf(interviewId: string) {
  return useFileUrl(["interviews", interviewId, "analysis.pdf"], async () => {
    const answer = await api.GET("/interviews/{interview_id}/analysis.pdf", {
      params: { path: { interview_id: interviewId } },
      parseAs: "blob",
    });
    return unwrap(answer) as Blob;
  });
}
