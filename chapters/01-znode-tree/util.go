package main

import (
	"sort"

	"github.com/zkafka/zkafka/zk/zkerr"
)

func errNodeExists() error { return zkerr.NodeExists }

func sortStrings(s []string) { sort.Strings(s) }
