import type { ClusterMemberStatus } from '@causeway/sdk';
import { message as amqpMessage, type Message } from 'rhea-promise';
import { messageBodyBytes } from './messageBody.js';

/** What a member announces on the cluster's status address, every interval and when it changes state. */
export interface MemberAnnouncement extends ClusterMemberStatus {
  type: 'causeway-member';
  v: 1;
  cluster: string;
  /** The cluster's public key (SPKI PEM): clients encrypt credentials to it. */
  publicKey: string;
  /** The amqp transport plugin's version. */
  transportVersion: string;
  /** How long this announcement is valid; a member not heard from for this long is gone. */
  ttlMs: number;
}

/** The subject of announcement messages. */
export const ANNOUNCEMENT_SUBJECT = 'causeway-member';

/** Builds the message of an announcement; the broker drops it when its time to live has passed. */
export function announcementMessage(announcement: MemberAnnouncement): Message {
  return {
    subject: ANNOUNCEMENT_SUBJECT,
    content_type: 'application/json',
    creation_time: new Date(announcement.lastSeen),
    ttl: announcement.ttlMs,
    durable: false,
    application_properties: { 'cw-member': announcement.memberId },
    body: amqpMessage.data_section(Buffer.from(JSON.stringify(announcement), 'utf8')),
  };
}

/** Reads an announcement; anything else on the status address is ignored (undefined). */
export function readAnnouncement(message: Message): MemberAnnouncement | undefined {
  const bytes = messageBodyBytes(message.body);
  if (!bytes) return undefined;
  let doc: Partial<MemberAnnouncement>;
  try {
    doc = JSON.parse(bytes.toString('utf8')) as Partial<MemberAnnouncement>;
  } catch {
    return undefined;
  }
  if (doc?.type !== 'causeway-member' || doc.v !== 1) return undefined;
  const strings = [doc.cluster, doc.memberId, doc.version, doc.keyId, doc.publicKey, doc.startedAt, doc.lastSeen, doc.health, doc.transportVersion];
  const numbers = [doc.capacity, doc.jobsInFlight, doc.ttlMs, doc.jobsDone, doc.jobsFailed];
  if (strings.some((s) => typeof s !== 'string') || numbers.some((n) => typeof n !== 'number' || !Number.isFinite(n))) return undefined;
  if (Number.isNaN(Date.parse(doc.lastSeen!))) return undefined;
  return doc as MemberAnnouncement;
}

/**
 * The members of a cluster from the announcements read off its status address: the newest one per
 * member, without those whose time to live has passed (the broker may not have dropped them yet).
 */
export function latestAnnouncements(announcements: Iterable<MemberAnnouncement>, cluster: string, now: number): MemberAnnouncement[] {
  const latest = new Map<string, MemberAnnouncement>();
  for (const a of announcements) {
    if (a.cluster !== cluster) continue;
    const seen = Date.parse(a.lastSeen);
    if (seen + a.ttlMs < now) continue;
    const known = latest.get(a.memberId);
    if (!known || Date.parse(known.lastSeen) < seen) latest.set(a.memberId, a);
  }
  return [...latest.values()].sort((a, b) => a.memberId.localeCompare(b.memberId));
}

/** The part of an announcement that `cluster status` shows. */
export function memberStatus(a: MemberAnnouncement): ClusterMemberStatus {
  return {
    memberId: a.memberId,
    version: a.version,
    keyId: a.keyId,
    capacity: a.capacity,
    jobsInFlight: a.jobsInFlight,
    health: a.health,
    startedAt: a.startedAt,
    lastSeen: a.lastSeen,
    jobsDone: a.jobsDone,
    jobsFailed: a.jobsFailed,
  };
}
