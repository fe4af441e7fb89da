package main

// Lab describes one graded lab: where the learner's files are and which
// reference package each set of files replaces.
type Lab struct {
	N     int    // the chapter number
	Slug  string // "01-znode-tree": the directory name under labs/, solutions/ and chapters/
	Title string
	// Swaps maps a directory of learner files to the reference package they
	// replace: every non-test .go file in From replaces the file of the same
	// name in To (paths relative to the repository root).
	Swaps []Swap
	// Order is the rubric's order: the graded tests in the order the
	// handout has the learner implement things (the chapter's stage tests
	// last). `grade rubric N` prints the handout's table in this order, and
	// a test in labs/grade fails if a graded test is missing from it.
	Order []string
	// Contracts: every function the skeleton stubs states its contract
	// (a "Contract:" paragraph, the reference's word for word); the how
	// is in the handout's hints. checkContracts checks it.
	Contracts bool
	// StandIns are given files this lab runs on in place of a later lab
	// whose reference is not in the tree (a learner edition with that lab
	// open), so that this lab does not wait for the later one: by the
	// later lab's number, a directory holding a file for each file of
	// that lab (same package, same API). Lab 3's ensembles elect their
	// leader with lab 4's election; with lab 4 open they elect it with
	// labs/03-zab-broadcast/lab4-standin. swapSet and `grade run` use it.
	StandIns map[int]string
}

// Swap is one directory of learner files and its target package.
type Swap struct {
	From string // e.g. "labs/01-znode-tree/znode"
	To   string // e.g. "zk/znode"
}

// labs is the course's table of labs. A chapter issue adds its row here.
var labs = []Lab{
	{
		N: 1, Slug: "01-znode-tree", Title: "The znode tree",
		Swaps:     []Swap{{From: "labs/01-znode-tree/znode", To: "zk/znode"}},
		Contracts: true,
		Order: []string{
			"TestInitialTree", "TestCreateStat", "TestCreateModes", "TestSequentialNaming",
			"TestCreateCheckOrder", "TestDelete", "TestSetDataAndACL", "TestCloseSession",
			"TestMulti", "TestApplyReplay", "TestRandomAgainstModel",
			"TestStageSequentialNames", "TestStageVersionsAndMulti", "TestStageCrashKeepsAcknowledgedWrites",
		},
	},
	{
		N: 2, Slug: "02-watches-sessions", Title: "Watches and sessions",
		Swaps: []Swap{
			{From: "labs/02-watches-sessions/watch", To: "zk/watch"},
			{From: "labs/02-watches-sessions/session", To: "zk/session"},
		},
		Contracts: true,
		Order: []string{
			"TestDataWatchIsOneShot", "TestExistWatchOnMissingNode", "TestChildWatch",
			"TestPersistentWatch", "TestPersistentRecursiveWatch", "TestOneDeliveryPerWatcher",
			"TestRemoveAndCheckWatches", "TestRemoveWatcherOnClose", "TestSetWatchesRelativeZxid",
			"TestWatchManagerRandomized",
			"TestSessionBuckets", "TestTouchMovesSession", "TestExpiredSessionIsClosing", "TestTrackerRandomized",
			"TestStageWatchAcrossSessions", "TestStageEphemeralDiesWithSession", "TestStagePersistentRecursiveWatch",
		},
	},
	{
		N: 3, Slug: "03-zab-broadcast", Title: "ZAB broadcast",
		Swaps:     []Swap{{From: "labs/03-zab-broadcast/zab", To: "zk/zab"}},
		Contracts: true,
		StandIns:  map[int]string{4: "labs/03-zab-broadcast/lab4-standin"},
		Order: []string{
			"TestQuorumCounting", "TestCommitNeedsMajority", "TestCommitInZxidOrder", "TestProposeRejectsOldZxid",
			"TestDeliveryInOrder", "TestDeliveryTruncate",
			"TestEnsembleCommitsEverywhere", "TestNoCommitWithoutQuorum", "TestMinorityLeaderCommitsNothing",
			"TestBroadcastNemesis",
			"TestStageWritesSeenEverywhereInZxidOrder", "TestStageWatchFiresOnFollower",
		},
	},
	{
		N: 4, Slug: "04-zab-election", Title: "Leader election and recovery",
		Swaps:     []Swap{{From: "labs/04-zab-election/zab", To: "zk/zab"}},
		Contracts: true,
		Order: []string{
			"TestVoteOrder", "TestElectionPicksBestVote", "TestElectionTieGoesToLargerID",
			"TestElectionJoinsEstablishedEnsemble", "TestElectionNewerRound", "TestFinalizeWait",
			"TestDecideSync",
			"TestLeaderCrashKeepsCommitted", "TestDivergentProposalTruncated", "TestMinorityElectsNoLeader",
			"TestRecoveryNemesis",
			"TestStageLeaderKilledNoAckedWriteLost", "TestStageRestartedFollowerCatchesUp", "TestStagePartitionedLeaderStepsDown",
		},
	},
	{
		N: 5, Slug: "05-segment-log", Title: "The segment log",
		Swaps:     []Swap{{From: "labs/05-segment-log/log", To: "kafka/log"}},
		Contracts: true,
		// The handout's suggested order: index.go, assignOffsets and append,
		// read, shouldRoll, findOffsetByTimestamp, recover.
		Order: []string{
			"TestAppendAssignsOffsets", "TestAppendRejectsCorrupt", "TestIndexFiles",
			"TestReadEveryOffset", "TestReadLimits",
			"TestRollOnSegmentBytes", "TestRollOnSegmentMs", "TestRollOnFullIndexAndOverflow",
			"TestOffsetForTimestamp",
			"TestRecoverTornTail", "TestRecoverGarbage", "TestRecoverRebuildsIndexes", "TestModel",
			"TestKgoRoundTrip", "TestCleanRestartKeepsRecords", "TestCrashKeepsFlushedRecords", "TestSegmentFiles",
		},
	},
	{
		N: 6, Slug: "06-partitioning", Title: "Partitioning",
		Swaps: []Swap{
			{From: "labs/06-partitioning/partition", To: "kafka/partition"},
			{From: "labs/06-partitioning/metadata", To: "kafka/broker/metadata"},
		},
		Contracts: true,
		// The handout's order: murmur2.go, partitioner.go, then assign.go
		// (the errors, the rack-unaware vectors, the rack-alternated list,
		// the rack-aware vector), then the property tests, then the
		// broker's reaction to topic znodes (metadata/decide.go: Derive,
		// then Decide).
		Order: []string{
			"TestMurmur2Vectors", "TestMurmur2EveryLength", "TestToPositive", "TestForKey",
			"TestAssignErrors", "TestAssignKafkaVectors", "TestRackAlternated", "TestAssignRackAwareVector",
			"TestAssignProperties", "TestAssignRackAwareProperties",
			"TestDeriveLeader", "TestDecideVersion1", "TestDecideDeadBrokers", "TestDecideVersion2",
			"TestDecideBrokerLeadingNothing", "TestDecideEdges",
			"TestStageTopicInZooKeeper", "TestStageKeyedRecordsLandByMurmur2", "TestStageKilledBrokerPartitionsMove",
			"TestStageAddedBrokerGetsNewTopics",
		},
	},
}

func findLab(n int) (Lab, bool) {
	for _, l := range labs {
		if l.N == n {
			return l, true
		}
	}
	return Lab{}, false
}

// labDir, chapterDir: the graded tests of a lab live in its lab directory
// and (integration tests) in its chapter directory.
func (l Lab) labDir() string     { return "labs/" + l.Slug }
func (l Lab) chapterDir() string { return "chapters/" + l.Slug }
