package replica

// Follower is a follower's side of one partition's replication
// (AbstractFetcherThread, ReplicaFetcherThread for one partition): first
// truncate, in as many OffsetForLeaderEpoch rounds as it takes, then
// fetch from the log end, learning the high watermark from each answer.
// A deterministic core like Leader: the owner sends what NextRequest
// asks and reports the answers.
type Follower struct {
	leader     int32
	epoch      int32 // the leader epoch it follows in (current_leader_epoch of its requests)
	truncating bool
	hw         int64
}

// NewFollower starts following leader in epoch with the log's high
// watermark hw (Partition.makeFollower, then the fetcher adds the
// partition in the Truncating state).
func NewFollower(leader, epoch int32, hw int64) *Follower {
	return &Follower{leader: leader, epoch: epoch, truncating: true, hw: hw}
}

// Leader and Epoch are whom it follows; Truncating whether it must still
// ask OffsetForLeaderEpoch before fetching; HW the high watermark it knows.
func (f *Follower) Leader() int32    { return f.leader }
func (f *Follower) Epoch() int32     { return f.epoch }
func (f *Follower) Truncating() bool { return f.truncating }
func (f *Follower) HW() int64        { return f.hw }

// EpochAsked is the epoch to ask the leader about: the follower log's
// latest (UndefinedEpoch for a log with no epochs: the leader then
// answers with no end offset and the follower falls back to its HW).
func (f *Follower) EpochAsked(log *EpochCache) int32 { return log.Latest() }

// Answered takes the leader's OffsetForLeaderEpoch answer and says where
// to truncate the log (TruncationFor). When it is done the follower
// fetches from there; otherwise the owner cuts the log and its epoch
// history at t.Offset and asks again.
func (f *Follower) Answered(leaderEpoch int32, leaderEnd int64, log *EpochCache, logEnd int64) Truncation {
	t := TruncationFor(leaderEpoch, leaderEnd, log, logEnd, f.hw)
	f.hw = min(f.hw, t.Offset)
	if t.Done {
		f.truncating = false
	}
	return t
}

// Fetched takes a fetch answer after the follower appended what it
// carried: the follower's high watermark is the leader's, but never past
// its own log end (ReplicaFetcherThread.processPartitionData).
func (f *Follower) Fetched(leaderHW, logEnd int64) int64 {
	f.hw = min(leaderHW, logEnd)
	return f.hw
}
