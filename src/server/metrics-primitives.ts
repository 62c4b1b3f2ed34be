/**
 * Counters and histograms whose hot-path cost is a field increment: prom-client's own metrics hash and
 * validate their labels on every call, even through a child. These keep one series object per label set
 * (the caller holds on to it) and give prom-client's Registry the same `get()` shape at scrape time, so
 * the exposition format is prom-client's.
 */

type Labels = Record<string, string | number>;

interface MetricValue {
  labels: Labels;
  value: number;
  metricName?: string;
}

export interface MetricSnapshot {
  name: string;
  help: string;
  type: "counter" | "gauge" | "histogram";
  aggregator: "sum";
  values: MetricValue[];
}

export class CounterSeries {
  value = 0;
  constructor(readonly labels: Labels) {}
}

/** A counter, or with type "gauge" a value that also goes down. */
export class FastCounter {
  readonly aggregator = "sum";
  private readonly series = new Map<string, CounterSeries>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: "counter" | "gauge" = "counter",
  ) {}

  /** The series of a label set; hold it and add to `.value`. */
  series_(labels: Labels): CounterSeries {
    const key = JSON.stringify(labels);
    let s = this.series.get(key);
    if (s === undefined) {
      s = new CounterSeries(labels);
      this.series.set(key, s);
    }
    return s;
  }

  get(): MetricSnapshot {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: [...this.series.values()].map((s) => ({ labels: s.labels, value: s.value })),
    };
  }

  reset(): void {
    this.series.clear();
  }
}

export class HistogramSeries {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Labels,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]) {
        this.counts[i]++;
        return;
      }
    }
  }
}

export class FastHistogram {
  readonly type = "histogram";
  readonly aggregator = "sum";
  private readonly series = new Map<string, HistogramSeries>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
  ) {}

  series_(labels: Labels): HistogramSeries {
    const key = JSON.stringify(labels);
    let s = this.series.get(key);
    if (s === undefined) {
      s = new HistogramSeries(labels, this.bounds);
      this.series.set(key, s);
    }
    return s;
  }

  get(): MetricSnapshot {
    const values: MetricValue[] = [];
    for (const s of this.series.values()) {
      let cumulative = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        cumulative += s.counts[i];
        values.push({
          labels: { le: this.bounds[i], ...s.labels },
          value: cumulative,
          metricName: `${this.name}_bucket`,
        });
      }
      values.push({ labels: { le: "+Inf", ...s.labels }, value: s.count, metricName: `${this.name}_bucket` });
      values.push({ labels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: s.labels, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.series.clear();
  }
}
