/**
 * Aggregates the health of a service's dependencies (store, consumers): the service is SERVING only
 * while every component is. Reports each change to `report` (the gRPC health service).
 */
export class HealthBoard {
  private readonly down = new Set<string>();
  private report: (serving: boolean) => void = () => undefined;

  /** Where to report the overall status; it is reported at once. */
  attach(report: (serving: boolean) => void): void {
    this.report = report;
    report(this.serving);
  }

  get serving(): boolean {
    return this.down.size === 0;
  }

  /** A callback for one component, e.g. `onHealthChange` of a consumer. */
  component(name: string): (serving: boolean) => void {
    return (serving) => this.set(name, serving);
  }

  set(name: string, serving: boolean): void {
    const before = this.serving;
    if (serving) this.down.delete(name);
    else this.down.add(name);
    if (before !== this.serving) this.report(this.serving);
  }

  /** Components currently down. */
  failing(): string[] {
    return [...this.down];
  }
}
