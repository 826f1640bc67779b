import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { Observation } from '@imei/contracts';
import { devToken } from '@imei/grpc';
import { readTopic, repoRoot, topicRecordCount } from '@imei/testing';
import { startIntakeHarness, type IntakeHarness } from '../intake-harness.test-helper';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'intake-import-'));
let files = 0;
function write(content: string | Buffer, suffix = '.csv'): string {
  const path = join(dir, `f${(files += 1)}${suffix}`);
  writeFileSync(path, content);
  return path;
}

interface CliResult {
  code: number;
  json: Record<string, any>;
  report: string[];
}

describe('intake-import CLI through a running intake and the real broker', () => {
  let harness: IntakeHarness;
  beforeAll(async () => {
    execFileSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '--build', 'services/intake'], { cwd: repoRoot, stdio: 'inherit' });
    harness = await startIntakeHarness({ dedupCapacity: 100_000 });
  });
  afterAll(() => harness.stop());

  async function cli(kind: string, file: string, principal = 'operator:kcell', ...extra: string[]): Promise<CliResult> {
    const errors = `${file}.report.csv`;
    const args = [join(repoRoot, 'services/intake/dist/cli/intake-import.js'), kind, file, '--address', harness.address, '--token', devToken(principal), '--json', '--progress', 'off', '--errors', errors, '--history', join(dir, `history-${files}.json`), ...extra];
    const result = await run(process.execPath, args, { cwd: repoRoot }).then(
      (r) => ({ code: 0, stdout: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
    );
    let report: string[] = [];
    try {
      report = readFileSync(errors, 'utf8').trim().split('\n').slice(1);
    } catch { /* not written */ }
    return { code: result.code, json: JSON.parse(result.stdout.trim().split('\n').pop() || '{}'), report };
  }

  const seen = new Date(Date.now() - 3_600_000).toISOString();
  const row = (imei: string, imsi = '401011234567890', msisdn = '77011234567', rat = 'LTE', date = seen) => `${date},${imei},${imsi},${msisdn},${rat}`;

  it('imports mixed good and bad rows (CRLF, invalid UTF-8, a 1 MB line, bad date) with exact counts and a per-row report', async () => {
    const before = await topicRecordCount(harness.observationsTopic.name);
    const content = Buffer.concat([
      Buffer.from(`date,imei,imsi,msisdn,rat\r\n${row('356938035643809')}\r\n${row('356938035643809')}\r\n`), // row 2 accepted, row 3 duplicate
      Buffer.from(`${row('490154203237510')}\r\n`), // row 4 flagged check digit
      Buffer.from([0x32, 0x30, 0xff, 0xfe, 0x0d, 0x0a]), // row 5 invalid UTF-8
      Buffer.from(`${'9'.repeat(1_048_576)}\n`), // row 6: 1 MB line
      Buffer.from(`${row('353456789012348', '401011234567890', '77011234567', 'LTE', 'tomorrow')}\n`), // row 7 bad date
      Buffer.from(`${row('353456789012348', '12')}\n`), // row 8 bad IMSI (rejected by intake)
      Buffer.from(`${row('35-69650*31022')}\n`), // row 9 malformed, flagged
      Buffer.from(`${row('353456789012348', '401011234567891', '+77017654321', '5G')}`), // row 10 accepted, no final newline
    ]);
    const result = await cli('observations', write(content), 'operator:kcell', '--override');
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({
      outcome: 'imported',
      dataRows: 9,
      rowErrors: 3,
      counts: { received: 6, accepted: 4, duplicatesDropped: 1, flaggedMalformed: 1, flaggedCheckDigit: 1, rejected: 1 },
    });
    expect(result.report.map((line) => line.split(',').slice(0, 2).join(','))).toEqual(['5,', '6,', '7,date', '8,observations.imsi']);
    const records = await readTopic(harness.observationsTopic.name, before + 4);
    const mine = records.slice(before).map((m) => Observation.decode(m.value!));
    expect(mine.map((o) => o.operatorId)).toEqual(['kcell', 'kcell', 'kcell', 'kcell']);
  });

  it('reads gzip and any column order', async () => {
    const file = write(gzipSync(`rat,msisdn,imsi,imei,date\n3,77019990001,401019990000001,861536030196001,${seen}\n`), '.csv.gz');
    const result = await cli('observations', file);
    expect(result).toMatchObject({ code: 0, json: { dataRows: 1, counts: { accepted: 1 } } });
  });

  it('refuses unusable files with exit 2: empty, wrong header, not a CSV; a header-only file imports nothing', async () => {
    expect((await cli('observations', write(''))).code).toBe(2);
    const wrong = await cli('observations', write('date,imei,imsi\n2025-01-01,1,2\n'));
    expect(wrong.code).toBe(2);
    expect(wrong.json.problem).toContain('msisdn');
    expect((await cli('observations', write(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0x00, 0x0a, 0x01])))).code).toBe(2);
    expect(await cli('observations', write('date,imei,imsi,msisdn,rat\n'))).toMatchObject({ code: 0, json: { dataRows: 0, counts: { received: 0 } } });
  });

  describe('quality gates', () => {
    const healthy = (n: number, offset = 0) => Array.from({ length: n }, (_, i) => row(`35693803${String(500000 + offset + i)}0`, `4010100${String(offset + i).padStart(8, '0')}`));
    const header = 'date,imei,imsi,msisdn,rat';
    const cases: [string, string[]][] = [
      ['empty-fields', [...healthy(90, 0), ...Array.from({ length: 10 }, (_, i) => row(`35693803${600000 + i}0`, ''))]],
      ['unusable-imeis', [...healthy(90, 1000), ...Array.from({ length: 10 }, () => row('N/A'))]],
      ['stripped-leading-zero', [...healthy(90, 2000), row('013456780000011'), ...Array.from({ length: 9 }, (_, i) => row(`1345678000010${i}`))]],
    ];
    it.each(cases)('%s trips (exit 3, report) and --override imports', async (gate, rows) => {
      const file = write(`${header}\n${rows.join('\n')}\n`);
      const refused = await cli('observations', file);
      expect(refused.code).toBe(3);
      expect(refused.json.findings.filter((f: { tripped: boolean }) => f.tripped).map((f: { gate: string }) => f.gate)).toEqual([gate]);
      expect(refused.report.join('\n')).toContain(`quality:${gate}`);
      const overridden = await cli('observations', file, 'operator:kcell', '--override');
      expect(overridden).toMatchObject({ code: 0, json: { outcome: 'imported', dataRows: 100 } });
    });

    it('row-volume trips against the recent average and --override imports', async () => {
      const history = join(dir, 'volume-history.json');
      const historyArgs = ['--history', history];
      for (let i = 0; i < 3; i++) {
        const big = write(`${header}\n${healthy(200, 10_000 + i * 200).join('\n')}\n`);
        expect((await cli('observations', big, 'operator:beeline', ...historyArgs)).code).toBe(0);
      }
      const truncated = write(`${header}\n${healthy(20, 20_000).join('\n')}\n`);
      const refused = await cli('observations', truncated, 'operator:beeline', ...historyArgs);
      expect(refused.code).toBe(3);
      expect(refused.json.findings.find((f: { gate: string }) => f.gate === 'row-volume')).toMatchObject({ tripped: true });
      expect((await cli('observations', truncated, 'operator:beeline', ...historyArgs, '--override')).code).toBe(0);
    });
  });

  it('imports a distributor registration file: one application per row, bad rows reported, a re-run returns the first receipts', async () => {
    const file = write([
      'owner_ref,model,imei1,imei2,document_ref',
      'owner-a,Phone A,490154203237518,356938035643809,INV-1',
      'owner-b,Phone B,4901542032375101,,INV-2', // IMEISV refused
      'owner-c,Phone C,353456789012348,,INV-3',
    ].join('\n'));
    const first = await cli('registrations', file, 'distributor:demo');
    expect(first).toMatchObject({ code: 0, json: { dataRows: 3, submitted: 2, duplicates: 0, approved: 2, rowErrors: 1 } });
    expect(first.report).toHaveLength(1);
    expect(first.report[0]).toMatch(/^3,imeis\[0\],/);
    const again = await cli('registrations', file, 'distributor:demo');
    expect(again).toMatchObject({ code: 0, json: { submitted: 2, duplicates: 2 } });
    expect((await cli('registrations', write('imei,model\n1,2\n'), 'distributor:demo')).code).toBe(2);
  });
});
