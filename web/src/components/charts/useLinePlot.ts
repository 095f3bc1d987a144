import { useEffect, useSyncExternalStore } from "react";

type LinePlotComponent = (typeof import("./LinePlot"))["default"];
type Loaded = { LinePlot: LinePlotComponent | null; failed: boolean };

// Kept here rather than behind React.lazy: once the module has come, every chart renders its
// drawing in the same pass (React.lazy suspends at each first render, even of a module already
// fetched), which a printout needs, since it is laid out before anything asynchronous can run.
let loaded: Loaded = { LinePlot: null, failed: false };
let loading: Promise<void> | null = null;
let preloadScheduled = false;
const listeners = new Set<() => void>();

function settle(next: Loaded) {
  loaded = next;
  listeners.forEach((listener) => listener());
}

function load(): Promise<void> {
  loading ??= import("./LinePlot").then(
    (module) => settle({ LinePlot: module.default, failed: false }),
    () => {
      loading = null; // the next chart to want it tries again
      settle({ LinePlot: null, failed: true });
    },
  );
  return loading;
}

/** Fetches the drawing (Recharts) once the page has loaded and the browser has nothing else to do,
 * so that a chart never scrolled near can still be drawn at once when the page is printed. */
function preloadWhenIdle() {
  if (preloadScheduled || loaded.LinePlot) return;
  preloadScheduled = true;
  const whenIdle = () => {
    if (typeof requestIdleCallback === "function") requestIdleCallback(() => void load());
    else setTimeout(() => void load(), 1000);
  };
  if (document.readyState === "complete") whenIdle();
  else window.addEventListener("load", whenIdle, { once: true });
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The drawing of a line chart once its module has come (null until then), fetched at once when
 * `wanted`, and otherwise when the browser is idle after the page has loaded. */
export function useLinePlot(wanted: boolean): Loaded {
  const current = useSyncExternalStore(subscribe, () => loaded);
  useEffect(() => {
    if (wanted) void load();
    else preloadWhenIdle();
  }, [wanted]);
  return current;
}
