import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";

import { ApiError } from "./api/client";
import { App } from "./app/App";
import { LiveUpdates } from "./live/LiveUpdates";
import "./styles.css";

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A refusal (4xx) will not change by asking again; a lost connection may.
      retry: (failures, error) => !(error instanceof ApiError && error.status < 500) && failures < 3,
      refetchOnWindowFocus: false,
    },
  },
});

const root = document.getElementById("root");
if (root === null) throw new Error("index.html has no #root");

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <LiveUpdates>
          <App />
        </LiveUpdates>
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
