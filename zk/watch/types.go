package watch

import "github.com/zkafka/zkafka/zk/watch/watcher"

// The vocabulary lives in package watcher so that the lab's manager.go
// compiles on its own; these aliases let the server write watch.Data,
// watch.ID and so on. See package watcher for what each one means.
type (
	ID       = watcher.ID
	Kind     = watcher.Kind
	Delivery = watcher.Delivery
	Watch    = watcher.Watch
	TreeView = watcher.TreeView
)

const (
	Data                = watcher.Data
	Exist               = watcher.Exist
	Child               = watcher.Child
	Persistent          = watcher.Persistent
	PersistentRecursive = watcher.PersistentRecursive
)

// KindOfAddWatchMode maps addWatch's mode (0 persistent, 1 recursive).
func KindOfAddWatchMode(mode int32) (Kind, error) { return watcher.KindOfAddWatchMode(mode) }
