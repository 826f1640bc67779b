/**
 * bench:notifier compaction — the block-list projection's restart load (BlockListStore.loadAll) and reads
 * by id before and after a compaction run, on a database of its own: BENCH_IMEIS IMEIs, each a base (v1
 * black) and BENCH_LINKS links (alternating white / black), stored two days ago; then one run folds them
 * all (horizon 24 h). Defaults: BENCH_IMEIS=20000 BENCH_LINKS=4 BENCH_READ_IMEIS=1000.
 *   flock /tmp/bench.lock node test/dist/bench/operator-notifier-compaction-bench.js
 */
import { join } from 'node:path';
import { testStore } from '@imei/testing';
import type { Db } from 'mongodb';

// The service is not a project reference of test/: load its compiled adapters.
const dist = join(__dirname, '..', '..', '..', 'services', 'operator-notifier', 'dist', 'adapters');
interface Projected { imei14: string; listVersion: number; blocked: unknown }
interface Store {
  write(writes: { next: Projected; previousVersion: number | undefined }[], nowMs?: number): Promise<{ existing: string[] }>;
  loadAll(): Promise<Map<string, Projected>>;
  load(ids: readonly string[]): Promise<Map<string, Projected>>;
  links: { countDocuments(): Promise<number> };
}
const { BlockListStore } = require(join(dist, 'block-list-store')) as { BlockListStore: new (db: Db) => Store };
const { BlockListCompactor } = require(join(dist, 'block-list-compactor')) as {
  BlockListCompactor: new (s: Store, o: { horizonMs: number; maxImeis: number }) => { run(nowMs: number): Promise<Record<string, number>> };
};

const imeis = Number(process.env.BENCH_IMEIS ?? 20_000);
const linksPerImei = Number(process.env.BENCH_LINKS ?? 4);
const readImeis = Number(process.env.BENCH_READ_IMEIS ?? 1000);
const HOUR = 3_600_000;
const out = (line: string): void => void process.stdout.write(`${line}\n`);
const state = (imei14: string, v: number): Projected => ({ imei14, listVersion: v, blocked: v % 2 === 1 ? { imei14, imei: `${imei14}0`, reason: 3, blockedAtMs: 1, listVersion: v } : null });
const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
};

async function main(): Promise<void> {
  const store = await testStore('bench_notifier_compaction');
  try {
    const projection = new BlockListStore(store.db);
    const ids = Array.from({ length: imeis }, (_, i) => String(35_000_000_000_000 + i));
    const storedAt = Date.now() - 48 * HOUR;
    for (let v = 1; v <= 1 + linksPerImei; v++) {
      for (let i = 0; i < ids.length; i += 5000) {
        await projection.write(ids.slice(i, i + 5000).map((id) => ({ next: state(id, v), previousVersion: v === 1 ? undefined : v - 1 })), storedAt);
      }
    }
    const sample = ids.filter((_, i) => i % Math.max(1, Math.floor(imeis / readImeis)) === 0).slice(0, readImeis);
    out(`history: ${imeis} bases + ${await projection.links.countDocuments()} links`);
    const [before, loadBefore] = await timed(() => projection.loadAll());
    const [byIdBefore, readBefore] = await timed(() => projection.load(sample));
    out(`before: loadAll ${loadBefore.toFixed(0)} ms (${imeis} IMEIs); load by id of ${sample.length} IMEIs ${readBefore.toFixed(0)} ms`);
    const [outcome, compaction] = await timed(() => new BlockListCompactor(projection, { horizonMs: 24 * HOUR, maxImeis: imeis }).run(Date.now()));
    out(`compaction: ${compaction.toFixed(0)} ms ${JSON.stringify(outcome)}; links left ${await projection.links.countDocuments()}`);
    const [after, loadAfter] = await timed(() => projection.loadAll());
    const [byIdAfter, readAfter] = await timed(() => projection.load(sample));
    out(`after: loadAll ${loadAfter.toFixed(0)} ms; load by id of ${sample.length} IMEIs ${readAfter.toFixed(0)} ms`);
    const same = (a: Map<string, Projected>, b: Map<string, Projected>): boolean => a.size === b.size && [...a].every(([k, v]) => JSON.stringify(b.get(k)) === JSON.stringify(v));
    out(`heads equal: loadAll ${same(before, after)}, by id ${same(byIdBefore, byIdAfter)}`);
  } finally {
    await store.drop();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
