/**
 * In-memory {@link OffsetStore}: real and complete, but lost with the process.
 * Use it for tests, benchmarks and `--bus` runs without a store; the daemon
 * uses the store's SQL implementation when the store is wired in.
 *
 * @example
 * const offsets = new MemoryOffsetStore()
 * await offsets.commit('persist', 'ticks', 0, 42)
 */
import type { OffsetStore } from './types.ts'

export class MemoryOffsetStore implements OffsetStore {
  private readonly m = new Map<string, { group: string; topic: string; partition: number; next: number }>()

  async load(group: string, topic: string, partition: number): Promise<number | undefined> {
    return this.m.get(`${group}\0${topic}\0${partition}`)?.next
  }

  async commit(group: string, topic: string, partition: number, next: number): Promise<void> {
    const k = `${group}\0${topic}\0${partition}`
    const cur = this.m.get(k)
    if (!cur || next > cur.next) this.m.set(k, { group, topic, partition, next })
  }

  async list(topic: string): Promise<Array<{ group: string; partition: number; next: number }>> {
    return [...this.m.values()].filter((e) => e.topic === topic).map(({ group, partition, next }) => ({ group, partition, next }))
  }
}

/**
 * Routes each group to an {@link OffsetStore}: e.g. the persistence writer's
 * group to the store's SQL table (its offsets must outlive the process and
 * commit with its rows), every other group to memory (consumers whose state
 * lives in memory and is rebuilt from the log, like the analytics, gain
 * nothing from persisted offsets, and stale ones would only hold retention).
 *
 * @example
 * const offsets = new RoutedOffsetStore({ persist: new SqlOffsetStore(db) })   // others in memory
 */
export class RoutedOffsetStore implements OffsetStore {
  constructor(private readonly routes: Record<string, OffsetStore>, private readonly fallback: OffsetStore = new MemoryOffsetStore()) {}

  private of(group: string): OffsetStore { return Object.hasOwn(this.routes, group) ? this.routes[group] : this.fallback }

  load(group: string, topic: string, partition: number): Promise<number | undefined> { return this.of(group).load(group, topic, partition) }
  commit(group: string, topic: string, partition: number, next: number): Promise<void> { return this.of(group).commit(group, topic, partition, next) }

  async list(topic: string): Promise<Array<{ group: string; partition: number; next: number }>> {
    const stores = [...new Set([...Object.values(this.routes), this.fallback])]
    const lists = await Promise.all(stores.map(async (s) => (await s.list(topic)).filter((e) => this.of(e.group) === s)))
    return lists.flat()
  }
}
