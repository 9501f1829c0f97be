package model

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Limits of one training line. The anchor's program reads a line with a
// 62-byte BDOS buffer, and a reply stops after DefaultMaxReply characters.
const (
	MaxInputLen    = 60
	MaxResponseLen = DefaultMaxReply
)

// Pair is one training line: a query and the reply the model should give.
type Pair struct {
	Input    string // lower-cased, trimmed
	Response string // upper-cased, trimmed
	File     string // where it came from, for messages
	Line     int    // 1-based line number in File
}

// ParsePairs reads `input|response` lines from r. Blank lines and lines whose
// first non-space character is '#' are ignored. Every malformed line yields
// one error whose text starts with "name:line: "; the good lines are still
// returned, so a caller can choose to warn or to fail.
func ParsePairs(r io.Reader, name string) (pairs []Pair, problems []error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		p, err := parsePair(sc.Text())
		if err != nil {
			problems = append(problems, fmt.Errorf("%s:%d: %v", name, n, err))
			continue
		}
		if p == nil {
			continue
		}
		p.File, p.Line = name, n
		pairs = append(pairs, *p)
	}
	if err := sc.Err(); err != nil {
		problems = append(problems, fmt.Errorf("%s:%d: %v", name, n+1, err))
	}
	return pairs, problems
}

// parsePair returns nil, nil for a line to skip.
func parsePair(line string) (*Pair, error) {
	line = strings.TrimSuffix(line, "\r")
	t := strings.TrimSpace(line)
	if t == "" || t[0] == '#' {
		return nil, nil
	}
	k := strings.IndexByte(t, '|')
	if k < 0 {
		return nil, fmt.Errorf("no '|' between input and response")
	}
	if strings.IndexByte(t[k+1:], '|') >= 0 {
		return nil, fmt.Errorf("more than one '|'")
	}
	in := strings.TrimSpace(t[:k])
	resp := strings.TrimSpace(t[k+1:])
	if in == "" {
		return nil, fmt.Errorf("empty input")
	}
	if resp == "" {
		return nil, fmt.Errorf("empty response")
	}
	for i := 0; i < len(in); i++ {
		if c := in[i]; c < 0x20 || c > 0x7e {
			return nil, fmt.Errorf("input has byte %#02x at column %d: only printable ASCII", c, i+1)
		}
	}
	for i := 0; i < len(resp); i++ {
		c := resp[i]
		if c < 0x20 || c > 0x7e {
			return nil, fmt.Errorf("response has byte %#02x at column %d: only printable ASCII", c, i+1)
		}
		if c == '$' {
			// BDOS function 9 ends strings at '$'; the Z80 program cannot
			// print it as part of a reply.
			return nil, fmt.Errorf("response contains '$'")
		}
	}
	if len(in) > MaxInputLen {
		return nil, fmt.Errorf("input is %d characters, at most %d", len(in), MaxInputLen)
	}
	if len(resp) > MaxResponseLen {
		return nil, fmt.Errorf("response is %d characters, at most %d", len(resp), MaxResponseLen)
	}
	return &Pair{Input: strings.ToLower(in), Response: strings.ToUpper(resp)}, nil
}

// ReadPairFiles parses every file in turn ("-" is standard input) and
// returns all pairs in order with all problems. A file that cannot be
// opened is one problem naming it.
func ReadPairFiles(paths ...string) ([]Pair, []error) {
	var pairs []Pair
	var problems []error
	for _, path := range paths {
		p, errs := readPairFile(path)
		pairs = append(pairs, p...)
		problems = append(problems, errs...)
	}
	return pairs, problems
}

func readPairFile(path string) ([]Pair, []error) {
	if path == "-" {
		return ParsePairs(os.Stdin, "<stdin>")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, []error{err}
	}
	defer f.Close()
	return ParsePairs(f, path)
}

// BuildCharset returns the output characters used by responses, upper-cased,
// in the order of docs/DESIGN.md section 2: space first (if used), then
// letters, digits and other punctuation, each sorted. EOS is not included.
func BuildCharset(responses []string) string {
	var used [256]bool
	for _, r := range responses {
		for i := 0; i < len(r); i++ {
			c := r[i]
			if c >= 'a' && c <= 'z' {
				c -= 'a' - 'A'
			}
			used[c] = true
		}
	}
	group := func(c byte) int {
		switch {
		case c == ' ':
			return 0
		case c >= 'A' && c <= 'Z':
			return 1
		case c >= '0' && c <= '9':
			return 2
		}
		return 3
	}
	var cs []byte
	for c := 0; c < 256; c++ {
		if used[c] {
			cs = append(cs, byte(c))
		}
	}
	sort.SliceStable(cs, func(i, j int) bool {
		gi, gj := group(cs[i]), group(cs[j])
		if gi != gj {
			return gi < gj
		}
		return cs[i] < cs[j]
	})
	return string(cs)
}

// JoinProblems turns the problems ParsePairs (or any line-based reader)
// reports into one error: at most 20, one per line, and how many more.
func JoinProblems(problems []error) error {
	var b strings.Builder
	for i, p := range problems {
		if i == 20 {
			fmt.Fprintf(&b, "\n... and %d more", len(problems)-20)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.Error())
	}
	return fmt.Errorf("%s", b.String())
}
