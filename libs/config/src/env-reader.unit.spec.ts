import { EnvReader } from './env-reader';
import { readInfrastructureConfig } from './infrastructure-config';

describe('EnvReader', () => {
  it('reads typed values with defaults', () => {
    const env = new EnvReader({ N: '42', B: 'yes', L: 'a, b,,c', A: '127.0.0.1:50051' });
    expect(env.int('N', 1)).toBe(42);
    expect(env.int('MISSING', 7)).toBe(7);
    expect(env.bool('B', false)).toBe(true);
    expect(env.list('L', [])).toEqual(['a', 'b', 'c']);
    expect(env.address('A', 'x:1')).toEqual({ host: '127.0.0.1', port: 50051, address: '127.0.0.1:50051' });
  });

  it('fails fast naming the variable and the value', () => {
    const env = new EnvReader({ N: '4x2', A: 'localhost', O: 'loud' });
    expect(() => env.int('N', 1)).toThrow('config: N="4x2" is invalid: expected an integer');
    expect(() => env.address('A', 'x:1')).toThrow('config: A="localhost" is invalid: expected host:port');
    expect(() => env.oneOf('O', ['info', 'debug'], 'info')).toThrow('expected one of info, debug');
    expect(() => env.string('REQUIRED')).toThrow('config: REQUIRED=(unset) is invalid');
  });

  it('gives each service its own user, database and consumer-group namespace', () => {
    const infra = readInfrastructureConfig('list-state', new EnvReader({}));
    expect(infra).toMatchObject({ kafkaUsername: 'list-state', kafkaPassword: 'list-state-dev-secret', mongoDatabase: 'imei_list_state', consumerGroupPrefix: 'list-state.mesh.' });
  });
});
