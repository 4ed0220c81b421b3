import { createContext } from "react";

/**
 * The request's CSP nonce, provided by entry.server around the whole app so that even an
 * error page (whose root loader never ran) puts it on every inline script. Empty in the browser.
 */
export const NonceContext = createContext("");
