import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import type { Server } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { readDescriptorSet } from '@imei/contracts';
import { standardFiles } from './standard-descriptors';

const healthServiceName = 'grpc.health.v1.Health';

/**
 * Adds server reflection (v1 and v1alpha) over every contract, the health API and the rich error
 * model, listing only the services this server serves, so that grpcurl and similar tools can list
 * and call them, and show error details, without local proto files.
 *
 * Reflection is fed the compiler's own FileDescriptorProtos (buf's descriptor set) rather than a
 * proto-loader package definition: proto-loader rebuilds descriptors through protobufjs, which
 * drops imports (google.protobuf.Timestamp) and writes relative type names, so strict clients
 * cannot resolve the services. @grpc/reflection reads only `fileDescriptorProtos`, hence the cast.
 */
export function addReflection(server: Server, serviceNames: readonly string[]): void {
  const contracts = fromBinary(FileDescriptorSetSchema, readDescriptorSet()).file;
  const files = { fileDescriptorProtos: [...contracts, ...standardFiles].map((file) => Buffer.from(toBinary(FileDescriptorProtoSchema, file))) };
  new ReflectionService({ descriptors: files } as unknown as PackageDefinition, { services: [...serviceNames, healthServiceName] }).addToServer(server);
}
