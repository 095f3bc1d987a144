import { useQuery } from "@tanstack/react-query";

import { api, type Schemas, unwrap } from "../../api/client";

export type PrepComparison = Schemas["PrepComparisonPublic"];
export type ComparedQuestion = Schemas["ComparedQuestion"];

export function useComparison(interviewId: string) {
  return useQuery({
    queryKey: ["interviews", interviewId, "prep-comparison"],
    queryFn: async () =>
      unwrap(
        await api.GET("/interviews/{interview_id}/prep-comparison", {
          params: { path: { interview_id: interviewId } },
        }),
      ),
  });
}

/** A change as a person reads it: signed, "no change" for zero. */
export function signed(value: number): string {
  if (value === 0) return "±0";
  return value > 0 ? `+${value}` : `−${Math.abs(value)}`;
}
