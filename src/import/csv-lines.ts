import type { Readable } from 'node:stream';

/** One physical line of a text file, or the note that it was too long to keep. */
export type PhysicalLine = { line: number; text: string } | { line: number; overlong: true };

/**
 * Splits a decoded text stream into lines (`\n`, with a trailing `\r` dropped), numbered from 1.
 * A line longer than `maxChars` is not held in memory: it is reported as `overlong` and its
 * text skipped up to the next newline, so one huge cell cannot exhaust memory.
 */
export async function* physicalLines(input: Readable, maxChars: number): AsyncGenerator<PhysicalLine> {
  let partial = '';
  let skipping = false;
  let line = 1;
  for await (const chunk of input as AsyncIterable<string>) {
    let from = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', from)) {
      const piece = chunk.slice(from, nl);
      from = nl + 1;
      if (skipping || partial.length + piece.length > maxChars) {
        yield { line, overlong: true };
      } else {
        const text = partial + piece;
        yield { line, text: text.endsWith('\r') ? text.slice(0, -1) : text };
      }
      partial = '';
      skipping = false;
      line += 1;
    }
    if (skipping) continue;
    partial += chunk.slice(from);
    if (partial.length > maxChars) {
      partial = '';
      skipping = true;
    }
  }
  if (skipping) yield { line, overlong: true };
  else if (partial !== '') yield { line, text: partial.endsWith('\r') ? partial.slice(0, -1) : partial };
}
