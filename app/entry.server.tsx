import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import type { RequestContext } from "~/auth/guard.server";
import { ChartSvgContext } from "~/charts/serverSvg";
import { pageChartSvgs } from "~/charts/svgCache.server";
import { NonceContext } from "~/nonce";
import { renderHtml } from "~/server/renderHtml.server";

const ABORT_DELAY = 5_000;

/**
 * Renders the whole page before sending (our pages are small), with the CSP nonce on every script.
 * Through renderHtml, which repairs React 18's stray NUL bytes in multi-byte text (see there).
 */
export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = (loadContext as RequestContext).cspNonce;
  const { body, failed } = await renderHtml(
    <NonceContext.Provider value={nonce ?? ""}>
      <ChartSvgContext.Provider value={pageChartSvgs}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </ChartSvgContext.Provider>
    </NonceContext.Provider>,
    { nonce, abortDelayMs: ABORT_DELAY, onError: (error) => console.error(error) },
  );
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  return new Response(body, { headers: responseHeaders, status: failed ? 500 : responseStatusCode });
}
