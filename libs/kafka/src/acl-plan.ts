import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes, type AclEntry } from 'kafkajs';
import { allTopics, type ServiceName } from '@imei/contracts';

export const serviceNames: readonly ServiceName[] = ['intake', 'device-grouping', 'list-state', 'operator-notifier'];

/** Prefix of every per-operator notices topic. */
export const operatorTopicPrefix = 'imei.operator.';

/** Kafka principal of an operator's credentials. */
export function operatorPrincipal(operatorId: string): string {
  return `op-${operatorId}`;
}

/** Consumer groups of a principal all start with `<principal>.`. */
export function groupPrefix(principal: string): string {
  return `${principal}.`;
}

function allow(principal: string, resourceType: AclResourceTypes, resourceName: string, operation: AclOperationTypes, pattern = ResourcePatternTypes.LITERAL): AclEntry {
  return {
    resourceType,
    resourceName,
    resourcePatternType: pattern,
    principal: `User:${principal}`,
    host: '*',
    operation,
    permissionType: AclPermissionTypes.ALLOW,
  };
}

/**
 * Least-privilege ACLs of a service, derived from the topic registry: it writes the topics it produces,
 * reads the ones it consumes, may create (ensure) both at start-up, and uses only groups named
 * `<service>.`*. operator-notifier also writes every per-operator notices topic and reads operators'
 * group offsets to report their progress.
 */
export function serviceAcls(service: ServiceName): AclEntry[] {
  const acls: AclEntry[] = [];
  for (const topic of allTopics) {
    const produces = topic.producers.includes(service);
    const consumes = topic.consumers.includes(service);
    if (!produces && !consumes) continue;
    acls.push(allow(service, AclResourceTypes.TOPIC, topic.name, AclOperationTypes.DESCRIBE));
    acls.push(allow(service, AclResourceTypes.TOPIC, topic.name, AclOperationTypes.CREATE));
    if (produces) acls.push(allow(service, AclResourceTypes.TOPIC, topic.name, AclOperationTypes.WRITE));
    if (consumes) acls.push(allow(service, AclResourceTypes.TOPIC, topic.name, AclOperationTypes.READ));
  }
  acls.push(allow(service, AclResourceTypes.GROUP, groupPrefix(service), AclOperationTypes.READ, ResourcePatternTypes.PREFIXED));
  if (service === 'operator-notifier') {
    for (const op of [AclOperationTypes.DESCRIBE, AclOperationTypes.CREATE, AclOperationTypes.WRITE]) {
      acls.push(allow(service, AclResourceTypes.TOPIC, operatorTopicPrefix, op, ResourcePatternTypes.PREFIXED));
    }
    acls.push(allow(service, AclResourceTypes.GROUP, 'op-', AclOperationTypes.DESCRIBE, ResourcePatternTypes.PREFIXED));
    // It reads back what it produced on the operator-readable topics: reconciliation, snapshots, lag in seconds.
    for (const topic of allTopics.filter((t) => t.operatorReadable)) acls.push(allow(service, AclResourceTypes.TOPIC, topic.name, AclOperationTypes.READ));
  }
  return acls;
}

/**
 * ACLs of an operator: read the national block list and its own notices topic, with its own consumer
 * group prefix; nothing else, and no write anywhere.
 */
export function operatorAcls(operatorId: string): AclEntry[] {
  const principal = operatorPrincipal(operatorId);
  const readable = [...allTopics.filter((t) => t.operatorReadable).map((t) => t.name), `${operatorTopicPrefix}${operatorId}.notices.v1`];
  return [
    ...readable.flatMap((name) => [
      allow(principal, AclResourceTypes.TOPIC, name, AclOperationTypes.READ),
      allow(principal, AclResourceTypes.TOPIC, name, AclOperationTypes.DESCRIBE),
    ]),
    allow(principal, AclResourceTypes.GROUP, groupPrefix(principal), AclOperationTypes.READ, ResourcePatternTypes.PREFIXED),
  ];
}
