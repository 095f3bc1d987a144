import { useEffect, useState } from "react";
import { useSearchParams } from "react-router";

import type { FilterChoice } from "./ProgressFilters";

/** The filters chosen, kept in the address (a filtered view can be bookmarked or shared). The
 * choice is also held in state that changes at once: the router changes the address in a
 * transition, and a select whose value waits for it is put back by React before the next key press
 * (two quick arrow presses would land on the first option). */
export function useFilterChoice(): [FilterChoice, (next: FilterChoice) => void] {
  const [params, setParams] = useSearchParams();
  const company = params.get("company") ?? "";
  const type = params.get("type") ?? "";
  const [choice, setChoice] = useState<FilterChoice>({ company, type });
  // The address changed (back, a link, our own choice arriving): it is what is chosen.
  useEffect(() => setChoice({ company, type }), [company, type]);

  const choose = (next: FilterChoice) => {
    setChoice(next);
    const search = new URLSearchParams();
    if (next.company) search.set("company", next.company);
    if (next.type) search.set("type", next.type);
    setParams(search, { replace: true });
  };
  return [choice, choose];
}
