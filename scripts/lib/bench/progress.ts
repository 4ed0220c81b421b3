/**
 * A progress bar on stderr with rate and ETA: redrawn in place on a terminal, a line every
 * few seconds otherwise (logs, CI, a parent process reading our output).
 */
export interface Progress {
  update(done: number): void;
  finish(): void;
}

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return "--:--";
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return h ? `${h}:${String(m).padStart(2, "0")}:${String(r).padStart(2, "0")}` : `${m}:${String(r).padStart(2, "0")}`;
}

export function progressBar(label: string, total: number, unit: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  const started = performance.now();
  const tty = !!stream.isTTY;
  let last = 0, lastDone = 0;
  const render = (done: number, final = false) => {
    const elapsed = (performance.now() - started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = rate > 0 ? (total - done) / rate : Number.POSITIVE_INFINITY;
    const width = 28;
    const filled = Math.round((total ? done / total : 1) * width);
    const pct = total ? ((done / total) * 100).toFixed(1).padStart(5) : "100.0";
    const text = `${label} [${"█".repeat(filled)}${"░".repeat(width - filled)}] ${pct}% ${done.toLocaleString("en")}/${total.toLocaleString("en")} ${unit} · ${Math.round(rate).toLocaleString("en")} ${unit}/s · ${final ? `用时 ${clock(elapsed)}` : `剩余 ${clock(eta)}`}`;
    if (tty) stream.write(`\r${text}\x1b[K${final ? "\n" : ""}`);
    else stream.write(`${text}\n`);
  };
  return {
    update(done: number) {
      lastDone = done;
      const now = performance.now();
      if (now - last < (tty ? 200 : 5000)) return;
      last = now;
      render(done);
    },
    finish() {
      render(Math.max(lastDone, total), true);
    },
  };
}
