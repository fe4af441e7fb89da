package broker

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/zkafka/zkafka/kafka/log"
	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// TestFetchFrameMatchesKmsg: for every Fetch version the registry
// advertises (0-11), a response with records spliced in — log file
// sections (v4+) or in-memory bytes (v0-3 down-converted sets) — is byte
// for byte what kmsg encodes with the same bytes inline: random topics,
// partitions, aborted transactions and record sizes (zero included).
//
// Reference: docs/reference/kafka.md §3 "sendfile"; AK 2.3 FetchResponse
// (the v0-11 layouts).
func TestFetchFrameMatchesKmsg(t *testing.T) {
	r := sim.Rand(t)
	mem := vfs.NewMem()
	f, err := mem.OpenFile("/seg", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	data := make([]byte, 1<<16)
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	f.Write(data)
	fetch := registry[1]
	if fetch.min != 0 || fetch.max != 11 {
		t.Fatalf("Fetch advertised v%d-%d; this test covers v0-11", fetch.min, fetch.max)
	}
	versions := int(fetch.max-fetch.min) + 1
	for iter := range 50 * versions {
		version := fetch.min + int16(iter%versions)
		resp := kmsg.NewPtrFetchResponse()
		resp.Version = version
		resp.ThrottleMillis, resp.SessionID = r.Int32(), 0
		inline := kmsg.NewPtrFetchResponse()
		var secs []recordsPart
		for ti := range r.IntN(4) {
			rt := kmsg.NewFetchResponseTopic()
			rt.Topic = fmt.Sprintf("topic-%d", ti)
			for pi := range r.IntN(5) {
				p := kmsg.NewFetchResponseTopicPartition()
				p.Partition, p.HighWatermark, p.LastStableOffset, p.LogStartOffset = int32(pi), r.Int64(), r.Int64(), r.Int64()
				if r.IntN(3) == 0 {
					p.AbortedTransactions = make([]kmsg.FetchResponseTopicPartitionAbortedTransaction, r.IntN(3))
				}
				sec := recordsPart{}
				if r.IntN(4) != 0 {
					pos := r.Int64N(int64(len(data)))
					sec.sec = log.Section{File: f, Pos: pos, Size: r.Int64N(int64(len(data)) - pos)}
					if r.IntN(2) == 0 { // in memory, as a down-converted set is
						sec = recordsPart{data: data[sec.sec.Pos : sec.sec.Pos+sec.sec.Size], inline: true}
					}
				}
				secs = append(secs, sec)
				p.RecordBatches = []byte{}
				rt.Partitions = append(rt.Partitions, p)
			}
			resp.Topics = append(resp.Topics, rt)
		}
		*inline = *resp
		inline.Topics = nil
		i := 0
		for _, rt := range resp.Topics {
			it := rt
			it.Partitions = nil
			for _, p := range rt.Partitions {
				if secs[i].inline {
					p.RecordBatches = append([]byte{}, secs[i].data...)
				} else {
					p.RecordBatches = append([]byte{}, data[secs[i].sec.Pos:secs[i].sec.Pos+secs[i].sec.Size]...)
				}
				it.Partitions = append(it.Partitions, p)
				i++
			}
			inline.Topics = append(inline.Topics, it)
		}
		fr, err := fetchFrame(42, resp, secs)
		if err != nil {
			t.Fatalf("v%d: %v", version, err)
		}
		var out bytes.Buffer
		w := bufio.NewWriter(&out)
		if err := fr.writeTo(w, nil); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		want := responseFrame(42, inline).head
		if !bytes.Equal(out.Bytes(), want) {
			t.Fatalf("v%d iteration %d: spliced frame (%d bytes) differs from kmsg's (%d bytes)", version, iter, out.Len(), len(want))
		}
		if fr.size() != int64(len(want)) {
			t.Fatalf("v%d: size() %d, want %d", version, fr.size(), len(want))
		}
	}
}

// TestSendfile: over real TCP with an OS file, large sections go by
// sendfile(2) and arrive intact, at their offsets, while the file's own
// position is untouched.
func TestSendfile(t *testing.T) {
	r := sim.Rand(t)
	path := filepath.Join(t.TempDir(), "seg.log")
	data := make([]byte, 1<<20)
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := vfs.OS{}.OpenFile(path, os.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	secs := []log.Section{{File: f, Pos: 1000, Size: 600 << 10}, {File: f, Pos: 10, Size: 100}, {File: f, Pos: 5, Size: sendfileMin}}
	var want []byte
	for _, s := range secs {
		want = append(want, []byte("hdr")...)
		want = append(want, data[s.Pos:s.Pos+s.Size]...)
	}
	got := make(chan []byte, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			got <- nil
			return
		}
		defer c.Close()
		buf := make([]byte, len(want))
		n := 0
		for n < len(buf) && err == nil {
			var k int
			k, err = c.Read(buf[n:])
			n += k
		}
		got <- buf[:n]
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	w := bufio.NewWriter(c)
	for _, s := range secs {
		w.WriteString("hdr")
		if err := writeSection(w, c, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if b := <-got; !bytes.Equal(b, want) {
		t.Fatalf("received %d bytes, differing from the %d sent", len(b), len(want))
	}
	if pos, _ := f.Seek(0, 1); pos != 0 {
		t.Fatalf("file position moved to %d", pos)
	}
}
