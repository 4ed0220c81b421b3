/**
 * Setup file of both Vitest configs: a test that calls console.error fails. An error log
 * nobody asked for is a defect (a React act() or key warning, a swallowed exception, a
 * server error path taken by accident), not noise.
 *
 * A test that means to trigger an error log says so, either way:
 *   - `expectConsoleError(/pattern/)` (from this module): matching calls are swallowed, and
 *     the test fails if none came;
 *   - `vi.spyOn(console, "error").mockImplementation(...)`: the spy replaces this guard for
 *     as long as it is installed, so whatever it receives is the test's own business.
 *
 * Calls outside a test (module load, beforeAll/afterAll, a promise settling after its test
 * ended) fail the file in afterAll. The messages are still printed as they happen.
 */
import { format } from "node:util";
import { afterAll, afterEach, beforeEach } from "vitest";

interface Expectation {
  pattern: RegExp | string;
  seen: number;
}

interface GuardState {
  inTest: boolean;
  /** Calls during the current test that no expectation matched. */
  unexpected: string[];
  /** Calls outside any test of this file. */
  outside: string[];
  expected: Expectation[];
}

// On globalThis so a test importing this module shares the state of the setup run, however
// the runner caches modules.
const KEY: unique symbol = Symbol.for("jxzp.test.failOnConsoleError");
const holder = globalThis as { [KEY]?: GuardState };
const state: GuardState = (holder[KEY] ??= { inTest: false, unexpected: [], outside: [], expected: [] });

const MAX_MESSAGE = 2000;
const originalError = console.error.bind(console);

function matches(pattern: RegExp | string, message: string): boolean {
  if (typeof pattern === "string") return message.includes(pattern);
  pattern.lastIndex = 0;
  return pattern.test(message);
}

/** The message and, below it, where console.error was called from (minus this file's frames). */
function describeCall(args: unknown[]): string {
  const message = format(...args);
  const clipped = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message;
  const frames = (new Error().stack ?? "")
    .split("\n")
    .slice(1)
    .filter((line) => !line.includes("failOnConsoleError"))
    .slice(0, 6)
    .join("\n");
  return frames ? `${clipped}\n${frames}` : clipped;
}

function guardedConsoleError(...args: unknown[]): void {
  const message = format(...args);
  const expectation = state.inTest ? state.expected.find((e) => matches(e.pattern, message)) : undefined;
  if (expectation) {
    expectation.seen += 1;
    return;
  }
  (state.inTest ? state.unexpected : state.outside).push(describeCall(args));
  originalError(...args);
}

console.error = guardedConsoleError;

/**
 * The current test expects console.error to be called with a message matching `pattern`
 * (a substring or a RegExp, tested against the util.format of the arguments). Matching calls
 * are swallowed; the test fails if there was none.
 */
export function expectConsoleError(pattern: RegExp | string): void {
  if (!state.inTest) throw new Error("expectConsoleError() belongs inside a test");
  state.expected.push({ pattern, seen: 0 });
}

function report(what: string, messages: string[]): string {
  return `${what} ${messages.length} time(s):\n\n${messages.map((m, i) => `[${i + 1}] ${m}`).join("\n\n")}`;
}

beforeEach(() => {
  state.inTest = true;
  state.unexpected = [];
  state.expected = [];
});

// Registered first, so with Vitest's stacked hook order it runs after the test file's own
// afterEach hooks: what their cleanup logs counts against the test too.
afterEach(() => {
  const { unexpected, expected } = state;
  state.inTest = false;
  state.unexpected = [];
  state.expected = [];
  const problems: string[] = [];
  if (unexpected.length > 0) {
    problems.push(
      report(
        "console.error was called during this test (fix the cause, or opt in with expectConsoleError() from test/setup/failOnConsoleError.ts)",
        unexpected,
      ),
    );
  }
  for (const e of expected) {
    if (e.seen === 0) problems.push(`expectConsoleError(${String(e.pattern)}) was set, but no matching console.error came`);
  }
  if (problems.length > 0) throw new Error(problems.join("\n\n"));
});

afterAll(() => {
  const outside = state.outside;
  state.outside = [];
  if (outside.length > 0) throw new Error(report("console.error was called outside any test of this file", outside));
});
