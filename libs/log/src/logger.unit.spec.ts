import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { pseudonymise } from './pseudonymise';

function capture(): { lines: () => Record<string, unknown>[]; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { chunks.push(chunk.toString()); done(); } });
  return { stream, lines: () => chunks.join('').trim().split('\n').map((l) => JSON.parse(l)) };
}

describe('logger', () => {
  it('replaces IMSI, MSISDN and owner ids by keyed pseudonyms at any usual depth', () => {
    const out = capture();
    const direct = createLoggerTo(out.stream);
    direct.info({ imsi: '401771234567890', record: { msisdn: '+77011234567', ownerRef: 'IIN-900101300123' }, rows: [{ imsi: '401779999999999' }] }, 'observation');
    const [line] = out.lines();
    const text = JSON.stringify(line);
    expect(text).not.toContain('401771234567890');
    expect(text).not.toContain('+77011234567');
    expect(text).not.toContain('IIN-900101300123');
    expect(text).not.toContain('401779999999999');
    expect(line).toMatchObject({ imsi: pseudonymise('401771234567890'), record: { msisdn: pseudonymise('+77011234567') }, service: 'test', level: 'info' });
  });

  it('pseudonyms are stable, distinct and not the value', () => {
    expect(pseudonymise('401771234567890')).toBe(pseudonymise('401771234567890'));
    expect(pseudonymise('401771234567890')).not.toBe(pseudonymise('401771234567891'));
    expect(pseudonymise('401771234567890')).toMatch(/^pn:[0-9a-f]{16}$/);
  });

  function createLoggerTo(stream: Writable) {
    return createLogger('test', 'info', {}, stream);
  }
});
