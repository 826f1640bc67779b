import { AclOperationTypes, AclResourceTypes } from 'kafkajs';
import { topics } from '@imei/contracts';
import { operatorAcls, serviceAcls } from './acl-plan';

const has = (acls: ReturnType<typeof serviceAcls>, type: AclResourceTypes, name: string, op: AclOperationTypes) =>
  acls.some((a) => a.resourceType === type && a.resourceName === name && a.operation === op);

describe('ACL plan', () => {
  it('lets a service write what it produces and read what it consumes, nothing else', () => {
    const intake = serviceAcls('intake');
    expect(has(intake, AclResourceTypes.TOPIC, topics.observations.name, AclOperationTypes.WRITE)).toBe(true);
    expect(has(intake, AclResourceTypes.TOPIC, topics.observations.name, AclOperationTypes.READ)).toBe(false);
    expect(intake.some((a) => a.resourceName === topics.listChanges.name)).toBe(false);
    const listState = serviceAcls('list-state');
    expect(has(listState, AclResourceTypes.TOPIC, topics.observations.name, AclOperationTypes.READ)).toBe(true);
    expect(has(listState, AclResourceTypes.TOPIC, topics.listChanges.name, AclOperationTypes.WRITE)).toBe(true);
    expect(has(listState, AclResourceTypes.GROUP, 'list-state.', AclOperationTypes.READ)).toBe(true);
    for (const acl of listState) expect(acl.principal).toBe('User:list-state');
  });

  it('lets an operator read the block list and its own notices only, and write nothing', () => {
    const acls = operatorAcls('kcell');
    expect(has(acls, AclResourceTypes.TOPIC, topics.blockList.name, AclOperationTypes.READ)).toBe(true);
    expect(has(acls, AclResourceTypes.TOPIC, 'imei.operator.kcell.notices.v1', AclOperationTypes.READ)).toBe(true);
    expect(acls.some((a) => a.resourceName.includes('beeline'))).toBe(false);
    expect(acls.some((a) => a.operation === AclOperationTypes.WRITE)).toBe(false);
    expect(has(acls, AclResourceTypes.GROUP, 'op-kcell.', AclOperationTypes.READ)).toBe(true);
  });
});
