/**
 * A strict RFC 4180 parser for one record's text (which may span lines inside quotes):
 * fields split on `,`; a field that starts with `"` runs to the next lone `"` (a doubled `""`
 * is a quote) and must end there; a `"` anywhere else is a fault, reported with the field's
 * position so the rejects file can say what is wrong.
 */
export type RecordResult = { ok: true; fields: string[] } | { ok: false; field: number; message: string };

export function parseRecord(text: string): RecordResult {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    const n = fields.length + 1;
    if (text[i] === '"') {
      const q = quotedField(text, i + 1);
      if (!q.ok) return { ok: false, field: n, message: q.message };
      fields.push(q.value);
      i = q.end;
    } else {
      const comma = text.indexOf(',', i);
      const value = comma < 0 ? text.slice(i) : text.slice(i, comma);
      if (value.includes('"')) {
        return { ok: false, field: n, message: `field ${n} has a stray quote (") in an unquoted value` };
      }
      fields.push(value);
      i = comma < 0 ? text.length : comma;
    }
    if (i >= text.length) return { ok: true, fields };
    i += 1; // the comma
    if (i === text.length) {
      fields.push('');
      return { ok: true, fields };
    }
  }
}

function quotedField(
  text: string,
  start: number,
): { ok: true; value: string; end: number } | { ok: false; message: string } {
  let value = '';
  let i = start;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q < 0) return { ok: false, message: 'a quoted field is never closed' };
    value += text.slice(i, q);
    if (text[q + 1] === '"') {
      value += '"';
      i = q + 2;
      continue;
    }
    const after = text[q + 1];
    if (after !== undefined && after !== ',') {
      return {
        ok: false,
        message: `text after a closing quote (${JSON.stringify(after)}); quote the whole value`,
      };
    }
    return { ok: true, value, end: q + 1 };
  }
}

/** How many `"` the text holds: an odd count means a quoted field is still open. */
export function quoteCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) n += 1;
  return n;
}
