import { AssignerProtocol, type Assignment, type PartitionAssigner } from 'kafkajs';

/**
 * The member (index into the sorted member ids) that owns partition `partition` of `partitions`:
 * contiguous ranges, the first `partitions % members` members taking one more. Pure.
 */
export function rangeOwner(partition: number, partitions: number, members: number): number {
  const base = Math.floor(partitions / members);
  const extra = partitions % members;
  const boundary = extra * (base + 1);
  return partition < boundary ? Math.floor(partition / (base + 1)) : extra + Math.floor((partition - boundary) / Math.max(1, base));
}

/**
 * Co-partitioning assigner: partition i of every subscribed topic goes to the same member (range
 * style over the sorted member ids), so one member owns every input of an `imei14` — observations,
 * grouping facts and list commands share the partition count (6) and the key. kafkajs' default
 * round-robin assigner spreads topic-partitions across members independently and would break that.
 */
export const coPartitionAssigner: PartitionAssigner = ({ cluster }) => ({
  name: 'ImeiCoPartitionAssigner',
  version: 0,
  async assign({ members, topics }) {
    const memberIds = members.map((m) => m.memberId).sort();
    const assignments = new Map<string, Assignment>(memberIds.map((id) => [id, {}]));
    for (const topic of topics) {
      const partitions = cluster.findTopicPartitionMetadata(topic).map((m) => m.partitionId).sort((a, b) => a - b);
      for (const partition of partitions) {
        const owner = memberIds[rangeOwner(partition, partitions.length, memberIds.length)]!;
        const assignment = assignments.get(owner)!;
        (assignment[topic] ??= []).push(partition);
      }
    }
    return memberIds.map((memberId) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: assignments.get(memberId)!, userData: Buffer.alloc(0) }),
    }));
  },
  protocol({ topics }) {
    return { name: 'ImeiCoPartitionAssigner', metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) };
  },
});
