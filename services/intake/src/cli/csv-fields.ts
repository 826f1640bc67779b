/**
 * Splits one CSV line into fields (RFC 4180 quoting: `"a,b"`, `""` for a quote). Returns undefined
 * for a line whose quotes do not balance. Fast path: a line without quotes is a plain split.
 */
export function splitCsvLine(line: string): string[] | undefined {
  if (line.indexOf('"') < 0) return line.split(',');
  const fields: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < line.length) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
    i += 1;
  }
  if (quoted) return undefined;
  fields.push(field);
  return fields;
}

/** Where each named column is, or why the header is unusable. */
export type HeaderMapping<C extends string> =
  | { readonly ok: true; readonly columns: Readonly<Record<C, number>> }
  | { readonly ok: false; readonly problem: string };

/**
 * Maps a header line to column positions: names are trimmed and compared case-insensitively, any
 * order; every `required` column must be there once; `optional` ones may be; others are ignored.
 * An optional column that is absent maps to -1.
 */
export function mapHeader<R extends string, O extends string = never>(
  header: string | undefined,
  required: readonly R[],
  optional: readonly O[] = [],
): HeaderMapping<R | O> {
  if (header === undefined || header.trim() === '') return { ok: false, problem: 'the file is empty: a header line is required' };
  const names = splitCsvLine(header);
  if (names === undefined) return { ok: false, problem: 'the header line has unbalanced quotes: not a CSV file' };
  const normalised = names.map((name) => name.trim().toLowerCase());
  const columns = {} as Record<R | O, number>;
  for (const column of [...required, ...optional] as (R | O)[]) {
    const first = normalised.indexOf(column);
    if (first >= 0 && normalised.indexOf(column, first + 1) >= 0) return { ok: false, problem: `column ${column} appears twice in the header` };
    columns[column] = first;
  }
  const missing = required.filter((column) => columns[column] < 0);
  if (missing.length > 0) {
    const shown = JSON.stringify(header.length > 120 ? `${header.slice(0, 120)}…` : header);
    return { ok: false, problem: `the header ${shown} lacks column(s) ${missing.join(', ')}; required: ${required.join(',')}` };
  }
  return { ok: true, columns };
}
