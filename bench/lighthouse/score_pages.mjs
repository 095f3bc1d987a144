// Lighthouse's performance and accessibility scores of the web app's pages, signed in, in
// Debian's Chromium (bench/web_lighthouse.py runs it; `npm ci` here installs Lighthouse).
//
//   node score_pages.mjs BASE_URL SESSION_JSON PRESET PATH...
//
// SESSION_JSON is what the app keeps in sessionStorage ("interview-buddy.session"); PRESET is
// "mobile" (Lighthouse's default: a mid-range phone on a slow 4G link, simulated) or "desktop".
// Prints one JSON line: [{path, performance, accessibility, fcp_ms, lcp_ms, tbt_ms, cls}, ...],
// scores 0-100. A page Lighthouse could not measure has a "error" field instead.
import { startFlow, desktopConfig } from "lighthouse";
import puppeteer from "puppeteer-core";

const [base, session, preset, ...paths] = process.argv.slice(2);
const chromium = process.env.CHROMIUM ?? "/usr/bin/chromium";

const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu"],
});
const results = [];
try {
  const page = await browser.newPage();
  // Signed in as the app signs in: its session in this tab's sessionStorage.
  await page.goto(`${base}/`);
  await page.evaluate((value) => sessionStorage.setItem("interview-buddy.session", value), session);
  const config = preset === "desktop" ? desktopConfig : { extends: "lighthouse:default" };
  const flow = await startFlow(page, {
    config: {
      ...config,
      settings: {
        ...(config.settings ?? {}),
        onlyCategories: ["performance", "accessibility"],
        // Keep the tab's sessionStorage (the sign-in) between navigations.
        disableStorageReset: true,
      },
    },
  });
  for (const path of paths) {
    await flow.navigate(`${base}${path}`, { name: path });
  }
  const flowResult = await flow.createFlowResult();
  for (const [index, step] of flowResult.steps.entries()) {
    const lhr = step.lhr;
    const audit = (id) => lhr.audits[id]?.numericValue ?? null;
    if (lhr.runtimeError) {
      results.push({ path: paths[index], error: lhr.runtimeError.message });
      continue;
    }
    results.push({
      path: paths[index],
      performance: Math.round((lhr.categories.performance.score ?? 0) * 100),
      accessibility: Math.round((lhr.categories.accessibility.score ?? 0) * 100),
      fcp_ms: audit("first-contentful-paint"),
      lcp_ms: audit("largest-contentful-paint"),
      tbt_ms: audit("total-blocking-time"),
      cls: audit("cumulative-layout-shift"),
      accessibility_failures: Object.values(lhr.audits)
        .filter((a) => lhr.categories.accessibility.auditRefs.some((r) => r.id === a.id) && a.score === 0)
        .map((a) => a.id),
    });
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));
