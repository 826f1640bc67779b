import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Path of the generated FileDescriptorSet of every contract (for gRPC server reflection). */
export const descriptorSetPath = join(__dirname, '..', 'descriptor', 'imei-v1.binpb');

/** The FileDescriptorSet bytes of every contract. */
export function readDescriptorSet(): Buffer {
  return readFileSync(descriptorSetPath);
}
