/**
 * The default MQTT topics Tencent gives every device (PROTOCOL.md §6): `<productId>/<deviceName>/<leaf>`.
 *
 * `data` is publish and subscribe, `event` publish only, `control` subscribe only. Both apps publish to
 * DEFAULT_TOPIC_LEAF (`data`): the firmware's hello and the host simulator's demo message go to the same topic,
 * and `data` is the one topic a device may both publish to and subscribe to, so the demo can read its own
 * message back.
 */
export type TopicLeaf = 'data' | 'event' | 'control';

export const DEFAULT_TOPIC_LEAF: TopicLeaf = 'data';

export function deviceTopic(productId: string, deviceName: string, leaf: TopicLeaf): string {
  return `${productId}/${deviceName}/${leaf}`;
}

/** Where both apps publish unless told otherwise: `<productId>/<deviceName>/data`. */
export function defaultTopic(productId: string, deviceName: string): string {
  return deviceTopic(productId, deviceName, DEFAULT_TOPIC_LEAF);
}
