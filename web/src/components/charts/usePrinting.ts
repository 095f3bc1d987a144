import { useSyncExternalStore } from "react";
import { flushSync } from "react-dom";

/** Where the page stands with printing: never printed, being printed, or printed at least once. */
export type PrintState = "screen" | "printing" | "printed";

let state: PrintState = "screen";
const listeners = new Set<() => void>();
const printMedia = typeof matchMedia === "function" ? matchMedia("print") : null;

/** The browser lays the printout out as soon as the print events' listeners return, so what it
 * prints must be rendered by then: flushSync, not the batched update React makes of a native event. */
function become(next: PrintState) {
  if (state === next || (next === "printed" && state === "screen")) return;
  state = next;
  flushSync(() => listeners.forEach((listener) => listener()));
}

const onBeforePrint = () => become("printing");
const onAfterPrint = () => become("printed");
// Some browsers (older Safari) only turn the print media query on and off, without the events.
const onPrintMedia = (event: MediaQueryListEvent) => become(event.matches ? "printing" : "printed");

function subscribe(listener: () => void) {
  if (listeners.size === 0) {
    window.addEventListener("beforeprint", onBeforePrint);
    window.addEventListener("afterprint", onAfterPrint);
    printMedia?.addEventListener("change", onPrintMedia);
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size > 0) return;
    window.removeEventListener("beforeprint", onBeforePrint);
    window.removeEventListener("afterprint", onAfterPrint);
    printMedia?.removeEventListener("change", onPrintMedia);
  };
}

/** Whether the page is being printed (Ctrl+P, or the browser's menu), or has been. */
export function usePrinting(): PrintState {
  return useSyncExternalStore(subscribe, () => state);
}
