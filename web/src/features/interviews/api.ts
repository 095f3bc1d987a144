import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { api, type Schemas, unwrap } from "../../api/client";

export type Interview = Schemas["InterviewPublic"];
export type InterviewStatus = Interview["status"];
export const PAGE_SIZE = 10;

export const interviewKeys = {
  all: ["interviews"] as const,
  page: (offset: number) => ["interviews", "page", offset] as const,
};

/** The statuses a person reads: the API's words in lower case. */
export function statusWord(status: InterviewStatus): string {
  return status.toLowerCase();
}

export function isSettled(status: InterviewStatus): boolean {
  return status === "COMPLETED" || status === "FAILED";
}

export function useInterviewPage(offset: number) {
  return useQuery({
    queryKey: interviewKeys.page(offset),
    queryFn: async () =>
      unwrap(await api.GET("/interviews", { params: { query: { limit: PAGE_SIZE, offset } } })),
    placeholderData: keepPreviousData,
    // Statuses move while a recording is processed; the WebSocket replaces this later.
    refetchInterval: (query) =>
      query.state.data?.data.some((interview) => !isSettled(interview.status)) ? 3000 : false,
  });
}
