// Package ephemeral decodes a znode's Stat.ephemeralOwner, which ZooKeeper
// overloads (EphemeralType.java): 0 for a persistent node, the session id
// for an ephemeral node, math.MinInt64 for a container, and
// 0xff00_0000_0000_0000 | ttl for a TTL node.
//
// The TTL encoding needs "extended types" (zookeeper.extendedTypesEnabled);
// zkafka always decodes it, so server ids must stay <= 254 (a session id
// carries its server id in the top byte, and 0xff would read as a TTL).
package ephemeral
