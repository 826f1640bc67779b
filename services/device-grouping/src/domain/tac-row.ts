import type { TacModel } from './tac-model';

/** Columns of a GSMA-style TAC file; `slots` may be absent (then 0: unknown). */
export type TacColumn = 'tac' | 'brand' | 'model' | 'deviceType' | 'slots';

/** Header spellings seen in GSMA TAC database exports and vendor files, compared case-insensitively. */
const aliases: Readonly<Record<TacColumn, readonly string[]>> = {
  tac: ['tac', 'type allocation code'],
  brand: ['brand', 'brand name', 'manufacturer', 'standardised brand name'],
  model: ['model', 'model name', 'marketing name', 'standardised marketing name'],
  deviceType: ['device type', 'devicetype', 'equipment type'],
  slots: ['sim slots', 'simslots', 'slots', 'number of sims', 'imei quantity', 'imeis'],
};

export type TacHeader = { ok: true; columns: Record<TacColumn, number> } | { ok: false; problem: string };

/** Where each column is; a header missing TAC, brand or model is refused with what is missing. */
export function tacHeaderOf(fields: readonly string[]): TacHeader {
  const names = fields.map((f) => f.trim().toLowerCase().replace(/^\ufeff/, ''));
  const columns = {} as Record<TacColumn, number>;
  const missing: string[] = [];
  for (const column of Object.keys(aliases) as TacColumn[]) {
    const index = names.findIndex((n) => aliases[column].includes(n));
    if (index < 0 && column !== 'slots' && column !== 'deviceType') missing.push(aliases[column][0]!);
    columns[column] = index;
  }
  if (missing.length > 0) return { ok: false, problem: `header lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (found: ${names.join(', ')})` };
  return { ok: true, columns };
}

export type TacRow = { ok: true; model: TacModel } | { ok: false; field: string; value: string; description: string };

/** One data row: TAC of exactly 8 digits, a brand or model, SIM slots 0–4 (empty: unknown). */
export function tacRowOf(fields: readonly string[], columns: Record<TacColumn, number>): TacRow {
  const at = (column: TacColumn): string => (columns[column] < 0 ? '' : (fields[columns[column]] ?? '').trim());
  const tac = at('tac');
  if (!/^\d{8}$/.test(tac)) return { ok: false, field: 'tac', value: tac, description: 'a TAC is exactly 8 digits' };
  const brand = at('brand');
  const model = at('model');
  if (brand === '' && model === '') return { ok: false, field: 'model', value: '', description: 'brand and model are both empty' };
  const slotsText = at('slots');
  const slots = slotsText === '' ? 0 : Number(slotsText);
  if (!Number.isInteger(slots) || slots < 0 || slots > 4) return { ok: false, field: 'slots', value: slotsText, description: 'SIM slots are 1 to 4 (0 or empty: unknown)' };
  return { ok: true, model: { tac, brand, model, deviceType: at('deviceType'), slots } };
}

/** Splits one CSV line (RFC 4180 quotes); undefined when its quotes do not balance. */
export function splitCsv(line: string): string[] | undefined {
  if (!line.includes('"')) return line.split(',');
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted && c === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      fields.push(field);
      field = '';
    } else field += c;
  }
  if (quoted) return undefined;
  fields.push(field);
  return fields;
}
