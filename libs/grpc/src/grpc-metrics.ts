/** Where the handler wrappers report each call; the service runtime installs one that feeds Prometheus. */
export interface GrpcMetricsSink {
  /** A call finished: full method path (`/imei.v1.IntakeService/SubmitApplication`), status code, duration. */
  handled(path: string, code: number, seconds: number): void;
}

let sink: GrpcMetricsSink = { handled() {} };

/** Installs the process-wide sink (one per process, like the metrics registry it feeds). */
export function observeGrpc(next: GrpcMetricsSink): void {
  sink = next;
}

/** The installed sink (a no-op until `observeGrpc`). */
export function grpcMetrics(): GrpcMetricsSink {
  return sink;
}
