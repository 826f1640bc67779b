/** The four services of the mesh with their default gRPC addresses (README "Ports"). */
export const meshServices = [
  { name: 'intake', grpc: '127.0.0.1:50051' },
  { name: 'device-grouping', grpc: '127.0.0.1:50052' },
  { name: 'list-state', grpc: '127.0.0.1:50053' },
  { name: 'operator-notifier', grpc: '127.0.0.1:50054' },
] as const;
