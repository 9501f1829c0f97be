package model

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestParsePairs(t *testing.T) {
	src := "# a comment\n" +
		"Is It Alive|no\n" +
		"\n" +
		"   # indented comment\n" +
		"  does it have a TRUNK  |  Yes  \r\n" +
		"hello|Hi, there!\n"
	pairs, errs := ParsePairs(strings.NewReader(src), "q.txt")
	if len(errs) != 0 {
		t.Fatalf("unexpected problems: %v", errs)
	}
	want := []Pair{
		{"is it alive", "NO", "q.txt", 2},
		{"does it have a trunk", "YES", "q.txt", 5},
		{"hello", "HI, THERE!", "q.txt", 6},
	}
	if len(pairs) != len(want) {
		t.Fatalf("got %d pairs %v, want %d", len(pairs), pairs, len(want))
	}
	for i := range want {
		if pairs[i] != want[i] {
			t.Errorf("pair %d = %+v, want %+v", i, pairs[i], want[i])
		}
	}
}

func TestParsePairsProblems(t *testing.T) {
	long := strings.Repeat("x", MaxInputLen+1)
	longR := strings.Repeat("Y", MaxResponseLen+1)
	lines := []struct {
		line string
		why  string // a word the message must contain
	}{
		{"no bar here", "'|'"},
		{"|YES", "empty input"},
		{"is it|", "empty response"},
		{"is it|   ", "empty response"},
		{"a|b|c", "more than one"},
		{"price|$5", "'$'"},
		{"tab|A\tB", "0x09"},
		{"caf\xc3\xa9|OUI", "input has byte"},
		{"ok|\xc3\xa9", "response has byte"},
		{long + "|YES", "input is 61"},
		{"q|" + longR, "response is 51"},
	}
	var b strings.Builder
	b.WriteString("good|YES\n")
	for _, l := range lines {
		b.WriteString(l.line + "\n")
	}
	b.WriteString("fine|NO\n")
	pairs, errs := ParsePairs(strings.NewReader(b.String()), "data/bad.txt")
	if len(pairs) != 2 || pairs[0].Input != "good" || pairs[1].Line != len(lines)+2 {
		t.Errorf("good lines around the bad ones: %+v", pairs)
	}
	if len(errs) != len(lines) {
		t.Fatalf("%d problems, want %d: %v", len(errs), len(lines), errs)
	}
	for i, l := range lines {
		msg := errs[i].Error()
		prefix := "data/bad.txt:" + strconv.Itoa(i+2) + ": "
		if !strings.HasPrefix(msg, prefix) || !strings.Contains(msg, l.why) {
			t.Errorf("line %q: problem %q, want prefix %q and %q", l.line, msg, prefix, l.why)
		}
	}
	// The limits themselves are accepted.
	ok := strings.Repeat("x", MaxInputLen) + "|" + strings.Repeat("Y", MaxResponseLen)
	if p, errs := ParsePairs(strings.NewReader(ok), "x"); len(p) != 1 || len(errs) != 0 {
		t.Errorf("line at the limits refused: %v", errs)
	}
}

func TestReadPairFiles(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.txt")
	b := filepath.Join(dir, "b.txt")
	os.WriteFile(a, []byte("one|YES\ntwo|NO\n"), 0o644)
	os.WriteFile(b, []byte("# c\nthree\nfour|MAYBE\n"), 0o644)
	pairs, errs := ReadPairFiles(a, filepath.Join(dir, "missing.txt"), b)
	if len(pairs) != 3 || pairs[2].File != b || pairs[2].Line != 3 || pairs[2].Response != "MAYBE" {
		t.Errorf("pairs %+v", pairs)
	}
	if len(errs) != 2 || !strings.Contains(errs[0].Error(), "missing.txt") ||
		!strings.HasPrefix(errs[1].Error(), b+":2: ") {
		t.Errorf("problems %v", errs)
	}
}

func TestBuildCharset(t *testing.T) {
	cases := []struct {
		in   []string
		want string
	}{
		{[]string{"YES", "NO", "MAYBE", "WIN"}, "ABEIMNOSWY"},
		{[]string{"hi there", "OK!", "4 2?", "a-b, 1."}, " ABEHIKORT124!,-.?"},
		{[]string{"ZZZ", "zzz"}, "Z"},
		{nil, ""},
	}
	for _, c := range cases {
		if got := BuildCharset(c.in); got != c.want {
			t.Errorf("BuildCharset(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func FuzzParsePairs(f *testing.F) {
	f.Add("is it big|YES\n# c\n\nbad line\na|b|c\n")
	f.Add("x|$\n" + strings.Repeat("q", 70) + "|NO\n")
	f.Add("\xff|\x00\r\n|")
	f.Fuzz(func(t *testing.T, s string) {
		pairs, errs := ParsePairs(strings.NewReader(s), "f")
		for _, p := range pairs {
			if p.Input == "" || p.Response == "" || len(p.Input) > MaxInputLen || len(p.Response) > MaxResponseLen ||
				strings.ContainsAny(p.Response, "$|") || p.Input != strings.ToLower(p.Input) ||
				p.Response != strings.ToUpper(p.Response) || p.File != "f" || p.Line < 1 {
				t.Fatalf("bad pair accepted: %+v", p)
			}
			for i := 0; i < len(p.Response); i++ {
				if c := p.Response[i]; c < 0x20 || c > 0x7e {
					t.Fatalf("response byte %#x accepted", c)
				}
			}
		}
		for _, e := range errs {
			if !strings.HasPrefix(e.Error(), "f:") {
				t.Fatalf("problem without file:line: %v", e)
			}
		}
		// Every accepted response must give a charset the model accepts.
		var rs []string
		for _, p := range pairs {
			rs = append(rs, p.Response)
		}
		if cs := BuildCharset(rs); cs != "" {
			if err := New(cs, nil).Validate(); err != nil {
				t.Fatalf("charset %q from accepted responses: %v", cs, err)
			}
		}
	})
}

func TestReadPairFilesStdin(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdin
	os.Stdin = r
	defer func() { os.Stdin = old }()
	go func() {
		w.WriteString("from stdin|OK\nbroken\n")
		w.Close()
	}()
	pairs, errs := ReadPairFiles("-")
	if len(pairs) != 1 || pairs[0].Input != "from stdin" || pairs[0].File != "<stdin>" {
		t.Errorf("pairs %+v", pairs)
	}
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "<stdin>:2: ") {
		t.Errorf("problems %v", errs)
	}
}

func TestJoinProblems(t *testing.T) {
	var errs []error
	for i := 1; i <= 25; i++ {
		errs = append(errs, fmt.Errorf("f.txt:%d: no '|'", i))
	}
	lines := strings.Split(JoinProblems(errs).Error(), "\n")
	if len(lines) != 21 || lines[0] != "f.txt:1: no '|'" || lines[19] != "f.txt:20: no '|'" || lines[20] != "... and 5 more" {
		t.Fatalf("JoinProblems gave %d lines: %q", len(lines), lines)
	}
	if got := JoinProblems(errs[:2]).Error(); got != "f.txt:1: no '|'\nf.txt:2: no '|'" {
		t.Fatalf("two problems: %q", got)
	}
}
