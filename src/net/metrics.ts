/**
 * A small Prometheus registry: counters, gauges (set or computed on scrape),
 * and histograms with fixed buckets, rendered in the text exposition format
 * (version 0.0.4). Written here rather than pulled in because hexd needs only
 * these three types.
 *
 * @example
 * const m = new Metrics()
 * const ticks = m.counter('hexd_ticks_total', 'Ticks run')
 * ticks.inc()
 * m.render() // '# HELP hexd_ticks_total Ticks run\n# TYPE hexd_ticks_total counter\nhexd_ticks_total 1\n'
 */

type Labels = Record<string, string>

function renderLabels(labels: Labels): string {
  const keys = Object.keys(labels).sort()
  return keys.length === 0 ? '' : `{${keys.map((k) => `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`
}

/**
 * Rendered label sets, by a cheap unsorted key. Counters are bumped per frame and per action
 * (tens of thousands a second under load): sorting and escaping each time showed in profiles.
 * Label sets are few (transport × outcome…); the memo is dropped if it ever grows large.
 */
const rendered = new Map<string, string>()

function labelKey(labels?: Labels): string {
  if (!labels) return ''
  let raw = ''
  for (const k in labels) raw += k + '\u0001' + labels[k] + '\u0002'
  let key = rendered.get(raw)
  if (key === undefined) {
    if (rendered.size > 10_000) rendered.clear()
    rendered.set(raw, (key = renderLabels(labels)))
  }
  return key
}

export class Counter {
  private readonly values = new Map<string, number>()
  /** Adds `n` (default 1) to the series with `labels`. */
  inc(labels?: Labels, n = 1): void { const k = labelKey(labels); this.values.set(k, (this.values.get(k) ?? 0) + n) }
  get(labels?: Labels): number { return this.values.get(labelKey(labels)) ?? 0 }
  /**
   * One series bound once, for hot paths (per frame, per action): its `inc` does no label work.
   * @example const ok = frames.series({ transport: 'websocket', outcome: 'ok' }); ok.inc()
   */
  series(labels?: Labels): { inc(n?: number): void } {
    const k = labelKey(labels)
    if (!this.values.has(k)) this.values.set(k, 0)
    return { inc: (n = 1) => { this.values.set(k, this.values.get(k)! + n) } }
  }
  lines(name: string): string[] { return [...this.values].map(([k, v]) => `${name}${k} ${v}`) }
}

export class Gauge {
  private readonly values = new Map<string, number>()
  constructor(private readonly collect?: () => Array<[Labels, number]> | number) {}
  set(v: number, labels?: Labels): void { this.values.set(labelKey(labels), v) }
  lines(name: string): string[] {
    if (this.collect) {
      const c = this.collect()
      if (typeof c === 'number') return [`${name} ${c}`]
      return c.map(([l, v]) => `${name}${labelKey(l)} ${v}`)
    }
    return [...this.values].map(([k, v]) => `${name}${k} ${v}`)
  }
}

export class Histogram {
  private readonly counts: number[]
  private sum = 0
  private count = 0
  constructor(private readonly buckets: number[]) { this.counts = buckets.map(() => 0) }
  observe(v: number): void {
    this.sum += v
    this.count++
    for (let i = 0; i < this.buckets.length; i++) if (v <= this.buckets[i]) this.counts[i]++
  }
  get total(): number { return this.count }
  lines(name: string): string[] {
    const out = this.buckets.map((b, i) => `${name}_bucket{le="${b}"} ${this.counts[i]}`)
    out.push(`${name}_bucket{le="+Inf"} ${this.count}`, `${name}_sum ${this.sum}`, `${name}_count ${this.count}`)
    return out
  }
}

type Metric = { kind: 'counter' | 'gauge' | 'histogram'; help: string; m: Counter | Gauge | Histogram }

export class Metrics {
  private readonly all = new Map<string, Metric>()

  counter(name: string, help: string): Counter { return this.add(name, help, 'counter', new Counter()) }
  /** A gauge; with `collect`, its value is computed at scrape time. */
  gauge(name: string, help: string, collect?: () => Array<[Labels, number]> | number): Gauge { return this.add(name, help, 'gauge', new Gauge(collect)) }
  /** A histogram with upper bounds `buckets` (seconds for durations, by convention). */
  histogram(name: string, help: string, buckets: number[]): Histogram { return this.add(name, help, 'histogram', new Histogram(buckets)) }

  private add<T extends Counter | Gauge | Histogram>(name: string, help: string, kind: Metric['kind'], m: T): T {
    if (this.all.has(name)) throw new Error(`metric ${name} registered twice`)
    this.all.set(name, { kind, help, m })
    return m
  }

  /** The exposition text. */
  render(): string {
    let out = ''
    for (const [name, { kind, help, m }] of this.all) {
      out += `# HELP ${name} ${help}\n# TYPE ${name} ${kind}\n`
      for (const line of m.lines(name)) out += line + '\n'
    }
    return out
  }
}
