import { useEffect, useState } from "react";
import { fieldId } from "~/domain/paths";

/** `value`, once it has stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

const FLASH_MS = 1600;

/**
 * Scroll to the field of `path`, focus it and highlight it briefly. A path without its own
 * element (a row, a list) falls back to the nearest enclosing one (`targets.indicators`).
 */
export function focusField(path: string): boolean {
  let p = path;
  for (;;) {
    const el = document.getElementById(fieldId(p));
    if (el) {
      el.scrollIntoView?.({ block: "center", behavior: "smooth" });
      el.focus({ preventScroll: true });
      el.classList.add("field-flash");
      setTimeout(() => el.classList.remove("field-flash"), FLASH_MS);
      return true;
    }
    const parent = p.replace(/(\.[^.[\]]+|\[\d+\])$/, "");
    if (parent === p) return false;
    p = parent;
  }
}
