/**
 * The server render of a page, used by entry.server.tsx: the whole tree, Suspense included, is
 * rendered before a byte is sent, and the bytes are repaired from a React 18 encoder bug.
 *
 * The bug (react#24985, fixed only in React 19), in react-dom/server's Node build: string chunks
 * of up to 682 UTF-16 units are packed with TextEncoder.encodeInto into a zero-filled 2048-byte
 * view. When the next character does not fit in the view's last 1–3 bytes, encodeInto stops and
 * React sends the *whole* view, so those unwritten zero bytes go out as NULs (a CJK character is
 * 3 bytes, an emoji 4), and the character follows in the next view. Pages with much Chinese text
 * got a few NULs each (37 of 85 pages crawled).
 *
 * The repair, from that source: React only ever passes its destination a full 2048-byte view
 * either when it is really full or in that faulty branch, and every other write (a partial view,
 * a string over 682 units encoded on its own, a byte chunk) is correct. So a full view ending in
 * zero bytes is cut before them; that is exact for any markup without U+0000 (which HTML forbids,
 * and which Remix's JSON escapes as \u0000). It costs one byte test per 2 KB, unlike rendering with
 * the web-streams build, which is correct but TextEncoder.encodes every string as it renders:
 * about three times the render time of a report page.
 * test/unit/server/renderHtml.test.tsx and test/e2e/crawl.spec.ts check the bytes.
 */
import { Transform, type TransformCallback } from "node:stream";
import type { ReactNode } from "react";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { renderToPipeableStream } from "react-dom/server";

/** React's VIEW_SIZE in react-dom-server.node.*.js (React 18). */
const VIEW_SIZE = 2048;

export interface RenderedHtml {
  /** The complete page: everything was ready before this resolved. */
  body: ReadableStream<Uint8Array>;
  /** True if anything in the tree threw (or was cut off by the abort delay): answer 500. */
  failed: boolean;
}

export interface RenderHtmlOptions {
  /** The CSP nonce React puts on any inline script it adds itself. */
  nonce?: string;
  /** Content still suspended after this long is given up and rendered in the browser instead. */
  abortDelayMs: number;
  onError?: (error: unknown) => void;
}

/** Drops the zero padding React 18 sends at the end of a view it could not fill (see above). */
export function withoutViewPadding(chunk: Uint8Array): Uint8Array {
  if (chunk.byteLength !== VIEW_SIZE || chunk[VIEW_SIZE - 1] !== 0) return chunk;
  let end = VIEW_SIZE - 1;
  while (end > VIEW_SIZE - 4 && chunk[end - 1] === 0) end--; // at most 3: one 4-byte character short
  return chunk.subarray(0, end);
}

class ViewPaddingRepair extends Transform {
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    callback(null, withoutViewPadding(chunk));
  }
}

/** Renders the whole tree before resolving (our pages are small); rejects if the shell fails. */
export function renderHtml(element: ReactNode, { nonce, abortDelayMs, onError }: RenderHtmlOptions): Promise<RenderedHtml> {
  return new Promise((resolve, reject) => {
    let failed = false;
    let aborting = false;
    // Cleared once rendered: a pending timer would keep the request's loader data alive for abortDelayMs.
    const timer = setTimeout(() => {
      aborting = true;
      abort();
    }, abortDelayMs);
    const { pipe, abort } = renderToPipeableStream(element, {
      nonce,
      onAllReady() {
        clearTimeout(timer);
        const body = new ViewPaddingRepair();
        resolve({ body: createReadableStreamFromReadable(body), failed });
        // After the abort delay React calls this from inside abort(), before it has dropped the
        // aborted tasks: piping there would flush a request React still counts as open ("There
        // was still abortable task at the root when we closed"). Pipe once abort() has returned.
        if (aborting) queueMicrotask(() => pipe(body));
        else pipe(body);
      },
      onShellError(error: unknown) {
        clearTimeout(timer);
        reject(error);
      },
      onError(error: unknown) {
        failed = true;
        onError?.(error);
      },
    });
  });
}
