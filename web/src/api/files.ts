import { useQuery } from "@tanstack/react-query";

/** A file the gateway makes for the signed-in user (a transcript, a PDF), as an object URL for a
 * plain link: the download needs the bearer token, and a link the person clicks is what every
 * browser saves (headless Chromium ignores a download started by script after a request, and a
 * data: URL is another origin). Fetched once per key, while the page shows the link. */
export function useFileUrl(queryKey: readonly unknown[], fetchBlob: () => Promise<Blob>) {
  return useQuery({
    queryKey: [...queryKey, "file"],
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: async () => URL.createObjectURL(await fetchBlob()),
  });
}
