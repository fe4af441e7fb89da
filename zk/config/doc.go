// Package config reads zoo.cfg, ZooKeeper's configuration file.
//
// zoo.cfg is a Java properties file of key=value lines (QuorumPeerConfig).
// Parse fills a Config with ZooKeeper's defaults for every key it does not
// set, checks the values, and reports problems as "line N: ..." so an
// operator can find them. Keys it does not know are kept in Extra (ZooKeeper
// turns them into "zookeeper.<key>" system properties).
//
// Invariants of a parsed Config: TickTime > 0; DataDir is set; DataLogDir is
// DataDir unless set; MinSessionTimeout <= MaxSessionTimeout once the
// defaults (2 and 20 ticks) are applied; server ids are unique.
package config
