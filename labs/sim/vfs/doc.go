// Package vfs is the small file-system interface every durable part of
// zkafka writes through: ZooKeeper's txn log and snapshots, Kafka's
// segments and checkpoints.
//
// Two implementations: OS (the real disk, used by the servers) and Mem (an
// in-memory disk for tests and the simulator). Mem remembers what was
// fsynced; Mem.Crash returns the disk as a power cut would leave it, so a
// test can check that recovery keeps every acknowledged write and discards
// torn tails.
//
// # The durability contract
//
//   - File contents are durable up to the last File.Sync. After a crash a
//     file holds its synced bytes, possibly followed by a prefix of what was
//     written after (a torn write), never anything else.
//   - Creating, renaming and removing a file is durable once the directory
//     is synced with SyncDir. Until then a crash may undo it. (This is POSIX:
//     the classic "write temp, fsync, rename, fsync dir" pattern.)
package vfs
