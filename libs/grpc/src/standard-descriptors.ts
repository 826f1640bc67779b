import { create, createFileRegistry } from '@bufbuild/protobuf';
import {
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
  file_google_protobuf_any,
  FileDescriptorProtoSchema,
  FileDescriptorSetSchema,
  type FileDescriptorProto,
} from '@bufbuild/protobuf/wkt';

// The standard protos this library serves, written out as descriptors: the gRPC health API (as in
// grpc-health-check's health.proto) and the part of the googleapis rich error model we send
// (google/rpc/status.proto's Status and google/rpc/error_details.proto's BadRequest, with the same
// names and field numbers). proto-loader could load .proto files, but the descriptors it derives are
// not valid for strict reflection clients: grpcurl rejects their imports and map entries.

const field = (name: string, number: number, type: Type, typeName?: string, label = Label.OPTIONAL) => ({ name, number, type, typeName, label });

const health = create(FileDescriptorProtoSchema, {
  name: 'grpc/health/v1/health.proto',
  package: 'grpc.health.v1',
  syntax: 'proto3',
  messageType: [
    { name: 'HealthListRequest' },
    {
      name: 'HealthListResponse',
      field: [field('statuses', 1, Type.MESSAGE, '.grpc.health.v1.HealthListResponse.StatusesEntry', Label.REPEATED)],
      nestedType: [
        {
          name: 'StatusesEntry',
          field: [field('key', 1, Type.STRING), field('value', 2, Type.MESSAGE, '.grpc.health.v1.HealthCheckResponse')],
          options: { mapEntry: true },
        },
      ],
    },
    { name: 'HealthCheckRequest', field: [field('service', 1, Type.STRING)] },
    {
      name: 'HealthCheckResponse',
      field: [field('status', 1, Type.ENUM, '.grpc.health.v1.HealthCheckResponse.ServingStatus')],
      enumType: [{ name: 'ServingStatus', value: ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'].map((name, number) => ({ name, number })) }],
    },
  ],
  service: [
    {
      name: 'Health',
      method: [
        { name: 'Check', inputType: '.grpc.health.v1.HealthCheckRequest', outputType: '.grpc.health.v1.HealthCheckResponse' },
        { name: 'List', inputType: '.grpc.health.v1.HealthListRequest', outputType: '.grpc.health.v1.HealthListResponse' },
        { name: 'Watch', inputType: '.grpc.health.v1.HealthCheckRequest', outputType: '.grpc.health.v1.HealthCheckResponse', serverStreaming: true },
      ],
    },
  ],
});

const status = create(FileDescriptorProtoSchema, {
  name: 'google/rpc/status.proto',
  package: 'google.rpc',
  syntax: 'proto3',
  dependency: ['google/protobuf/any.proto'],
  messageType: [
    {
      name: 'Status',
      field: [
        field('code', 1, Type.INT32),
        field('message', 2, Type.STRING),
        field('details', 3, Type.MESSAGE, '.google.protobuf.Any', Label.REPEATED),
      ],
    },
  ],
});

// googleapis' FieldViolation also has reason (3) and localized_message (4); we send neither.
const errorDetails = create(FileDescriptorProtoSchema, {
  name: 'google/rpc/error_details.proto',
  package: 'google.rpc',
  syntax: 'proto3',
  messageType: [
    {
      name: 'BadRequest',
      field: [field('field_violations', 1, Type.MESSAGE, '.google.rpc.BadRequest.FieldViolation', Label.REPEATED)],
      nestedType: [{ name: 'FieldViolation', field: [field('field', 1, Type.STRING), field('description', 2, Type.STRING)] }],
    },
  ],
});

/** The files to serve through reflection next to the contracts (google/protobuf/any.proto included). */
export const standardFiles: readonly FileDescriptorProto[] = [file_google_protobuf_any.proto, health, status, errorDetails];

/** Resolves the standard messages for encoding (`getMessage('google.rpc.Status')`). */
export const standardRegistry = createFileRegistry(create(FileDescriptorSetSchema, { file: [...standardFiles] }));
