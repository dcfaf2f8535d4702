/**
 * The custom metrics a k6 script declares (`new Trend('name')`): names and types, so every
 * `add` and every threshold on them can be checked against one declaration.
 */
import type { MetricType } from '@dlt/model';
import { builtinMetrics } from '@dlt/model';

const types: readonly string[] = ['counter', 'gauge', 'rate', 'trend'];

/** Custom metrics by name. */
export class MetricRegistry {
  readonly #types = new Map<string, MetricType>();
  readonly #time = new Set<string>();

  /** Declares a metric; declaring it again with the same type is fine, as in k6. */
  declare(name: string, type: string, isTime: boolean): void {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(name)) {
      throw new Error(`"${name}" is not a metric name (letters, digits and _, not starting with a digit)`);
    }
    if (Object.hasOwn(builtinMetrics, name)) throw new Error(`${name} is a built-in metric; pick another name`);
    if (!types.includes(type)) throw new Error(`unknown metric type ${type}`);
    const known = this.#types.get(name);
    if (known !== undefined && known !== type) throw new Error(`metric ${name} is already a ${known}`);
    this.#types.set(name, type as MetricType);
    if (isTime) this.#time.add(name);
  }

  typeOf(name: string): MetricType | undefined {
    return this.#types.get(name);
  }

  /** Every declared metric with its type. */
  all(): Readonly<Record<string, MetricType>> {
    return Object.fromEntries(this.#types);
  }
}
