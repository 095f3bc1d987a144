import type { Schemas } from "../api/client";

export type InterviewType = NonNullable<Schemas["InterviewCreate"]["interview_type"]>;

/** The interview types a person picks from (the API's values), for interviews and prep sessions alike. */
export const INTERVIEW_TYPE_LABELS: Record<InterviewType, string> = {
  behavioral: "Behavioral",
  technical: "Technical",
  phone_screen: "Phone screen",
  panel: "Panel",
  other: "Other",
};

export function isInterviewType(value: string): value is InterviewType {
  return Object.hasOwn(INTERVIEW_TYPE_LABELS, value);
}
