package stage

import (
	"fmt"
	"io"
	"strings"

	"github.com/zkafka/zkafka/zk/proto"
)

// Narrator prints a chapter's walkthrough: numbered steps, the commands a
// learner could type to do the same, what came back, and why.
type Narrator struct {
	W    io.Writer
	step int
}

// Title prints the chapter's banner and starts the stage's live picture
// (picture.go), printing its address.
func (n *Narrator) Title(chapter int, title string) {
	line := strings.Repeat("═", 60)
	fmt.Fprintf(n.W, "%s\n  zkafka — chapter %d: %s\n", line, chapter, title)
	startPicture(chapter, title, n.W)
	fmt.Fprintf(n.W, "%s\n", line)
}

// Step starts a numbered step.
func (n *Narrator) Step(title string) {
	n.step++
	fmt.Fprintf(n.W, "\n── %d. %s %s\n", n.step, title, strings.Repeat("─", max(0, 52-len(title))))
	noteStep(n.step, title)
}

// Say explains, wrapped at 72 columns.
func (n *Narrator) Say(format string, args ...any) {
	for _, line := range wrap(fmt.Sprintf(format, args...), 72) {
		fmt.Fprintf(n.W, "   %s\n", line)
	}
}

// Cmd shows the zkCli command equivalent to what the program does next.
func (n *Narrator) Cmd(format string, args ...any) {
	fmt.Fprintf(n.W, "   zk> %s\n", fmt.Sprintf(format, args...))
}

// Out shows a result, indented under the command.
func (n *Narrator) Out(format string, args ...any) {
	for _, line := range strings.Split(fmt.Sprintf(format, args...), "\n") {
		fmt.Fprintf(n.W, "       %s\n", line)
	}
}

// Err shows an error a step expected (or did not).
func (n *Narrator) Err(err error) {
	fmt.Fprintf(n.W, "       error: %v\n", err)
}

// StatLine is a Stat on one line, fields named as zkCli names them, for
// following how each write moves them.
func StatLine(s proto.Stat) string {
	return fmt.Sprintf("cZxid=%#x mZxid=%#x pZxid=%#x version=%d cversion=%d aclVersion=%d ephemeralOwner=%#x dataLength=%d numChildren=%d",
		s.Czxid, s.Mzxid, s.Pzxid, s.Version, s.Cversion, s.Aversion, s.EphemeralOwner, s.DataLength, s.NumChildren)
}

func wrap(s string, width int) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			lines = append(lines, "")
			continue
		}
		cur := words[0]
		for _, w := range words[1:] {
			if len(cur)+1+len(w) > width {
				lines = append(lines, cur)
				cur = w
			} else {
				cur += " " + w
			}
		}
		lines = append(lines, cur)
	}
	return lines
}
