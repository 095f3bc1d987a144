import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { api, type Schemas, unwrap } from "../../api/client";
import { useFileUrl } from "../../api/files";
import type { paths } from "../../api/schema";

export type Progress = Schemas["ProgressPublic"];
export type TrendPoint = Schemas["TrendPointPublic"];
export type MeasureChange = Schemas["MeasureChangePublic"];
export type ProgressFilters = NonNullable<paths["/me/progress"]["get"]["parameters"]["query"]>;

export function useProgress(filters: ProgressFilters) {
  return useQuery({
    queryKey: ["me", "progress", filters],
    queryFn: async () => unwrap(await api.GET("/me/progress", { params: { query: filters } })),
    placeholderData: keepPreviousData,
  });
}

/** My history as a PDF made by the gateway (the same filters), as an object URL for a plain link. */
export function useProgressPdf(filters: ProgressFilters) {
  return useFileUrl(["me", "progress.pdf", filters], async () => {
    const answer = await api.GET("/me/progress.pdf", { params: { query: filters }, parseAs: "blob" });
    return unwrap(answer) as Blob;
  });
}

/** A measure's figure of one interview: the points carry each measure under its key. */
export function valueOf(point: TrendPoint, measure: string): number | null {
  const value: unknown = (point as Record<string, unknown>)[measure];
  return typeof value === "number" ? value : null;
}
