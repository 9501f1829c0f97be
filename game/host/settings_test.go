package host

import (
	"strings"
	"testing"
)

func TestParseSettings(t *testing.T) {
	cases := []struct {
		query, remembered string
		want              Settings
	}{
		{"", "", Settings{Run: "GUESS"}},
		{"?run=CHAT", "", Settings{Run: "CHAT"}},
		{"?run=", "", Settings{Run: ""}},
		{"?run=GUESS+%40PENGUIN&turbo=1&crt=true", "", Settings{Run: "GUESS @PENGUIN", Turbo: true, CRT: true}},
		// What the query does not say comes from the last visit.
		{"", "run=CHAT&turbo=1&crt=0", Settings{Run: "CHAT", Turbo: true}},
		{"?turbo=0", "run=CHAT&turbo=1", Settings{Run: "CHAT"}},
		{"?run=", "run=CHAT", Settings{Run: ""}},
		{"", "%%%garbage", Settings{Run: "GUESS"}},
		// A .COM from the page's own site runs, unless ?run= says otherwise.
		{"?com=progs/hello.com", "run=CHAT", Settings{Run: "HELLO", Com: "progs/hello.com"}},
		{"?com=hello.com&run=DIR", "", Settings{Run: "DIR", Com: "hello.com"}},
	}
	for _, c := range cases {
		got, err := ParseSettings(c.query, c.remembered)
		if err != nil || got != c.want {
			t.Errorf("ParseSettings(%q, %q) = %+v, %v; want %+v", c.query, c.remembered, got, err, c.want)
		}
	}
	for _, bad := range []string{"?com=http://evil.example/x.com", "?com=//evil.example/x.com", "?com=x.txt", "?com=toolongname.com", "?com=a%5Cb.com", "?run=%zz"} {
		if s, err := ParseSettings(bad, ""); err == nil {
			t.Errorf("ParseSettings(%q) = %+v, no error", bad, s)
		}
	}
}

// A share link carries everything, so it opens the same program at the
// same clock whatever the receiver's page remembers.
func TestShareRoundTrip(t *testing.T) {
	for _, s := range []Settings{
		{Run: "CHAT", Turbo: true},
		{Run: ""},
		{Run: "GUESS @PENGUIN", CRT: true},
		{Run: "HELLO", Com: "progs/hello.com"},
	} {
		q := s.Query()
		got, err := ParseSettings("?"+q, "run=OTHER&turbo=1&crt=1")
		if err != nil || got != s {
			t.Errorf("%+v -> %q -> %+v, %v", s, q, got, err)
		}
		if strings.Contains(q, " ") {
			t.Errorf("query %q has a space", q)
		}
	}
}

func TestComName(t *testing.T) {
	for raw, want := range map[string]string{
		"hello.com": "HELLO.COM", "progs/Zork1.COM": "ZORK1.COM", "./a/b/c.com?v=2": "C.COM",
	} {
		if got, err := ComName(raw); err != nil || got != want {
			t.Errorf("ComName(%q) = %q, %v; want %q", raw, got, err, want)
		}
	}
}

// Any query and any memory: no panic, and what parses encodes to a share
// link that parses back to the same settings.
func FuzzParseSettings(f *testing.F) {
	for _, q := range []string{"", "?run=CHAT&turbo=1", "?com=progs/hi.com", "?run=%zz", "?crt=true&run=", "?com=//x/y.com"} {
		f.Add(q, "run=GUESS&turbo=0")
	}
	f.Fuzz(func(t *testing.T, query, remembered string) {
		s, err := ParseSettings(query, remembered)
		if err != nil {
			return
		}
		back, err := ParseSettings("?"+s.Query(), "")
		if err != nil || back != s {
			t.Fatalf("%q, %q -> %+v -> %q -> %+v, %v", query, remembered, s, s.Query(), back, err)
		}
	})
}
