package host

import (
	"errors"
	"net/url"
	"path"
	"strings"

	"z80ulm/emu"
)

// Settings are what a page link carries and what the page remembers
// between visits (docs/DESIGN.md, "The front ends"): the program, the
// clock, the look.
type Settings struct {
	// Run is the command line the CCP runs after boot ("" = the bare A>
	// prompt).
	Run string
	// Turbo runs the machine as fast as the host allows instead of 4 MHz.
	Turbo bool
	// CRT turns on the CRT look.
	CRT bool
	// Com is a relative URL of a .COM on the page's own host: the page
	// fetches it onto drive A: and runs it.
	Com string
}

// DefaultRun is what a page without settings runs.
const DefaultRun = "GUESS"

// ParseSettings reads a page's query (?run=CHAT&turbo=1, ?com=hello.com)
// and takes what the query does not say from remembered (the Query of the
// last visit, "" for none). A .COM given by ?com= is run unless ?run= says
// otherwise.
func ParseSettings(query, remembered string) (Settings, error) {
	q, err := url.ParseQuery(strings.TrimPrefix(query, "?"))
	if err != nil {
		return Settings{}, errors.New("the page's query: " + err.Error())
	}
	r, _ := url.ParseQuery(remembered) // a damaged memory is no memory
	s := Settings{Run: DefaultRun}
	if v, ok := first(q, r, "run"); ok {
		s.Run = v
	}
	if v, ok := first(q, r, "turbo"); ok {
		s.Turbo = on(v)
	}
	if v, ok := first(q, r, "crt"); ok {
		s.CRT = on(v)
	}
	if v := q.Get("com"); v != "" {
		name, err := ComName(v)
		if err != nil {
			return Settings{}, err
		}
		s.Com = v
		if _, ok := q["run"]; !ok {
			s.Run = strings.TrimSuffix(name, ".COM")
		}
	}
	return s, nil
}

// first returns key's value from the query, else from the memory.
func first(q, remembered url.Values, key string) (string, bool) {
	if v, ok := q[key]; ok {
		return v[0], true
	}
	if v, ok := remembered[key]; ok {
		return v[0], true
	}
	return "", false
}

func on(v string) bool { return v == "1" || v == "true" || v == "on" }

// Query encodes the settings as a page query (without "?"): a share link
// says everything, so that the person it is sent to sees the same program
// at the same clock whatever their page remembers.
func (s Settings) Query() string {
	v := url.Values{}
	v.Set("run", s.Run)
	v.Set("turbo", bit(s.Turbo))
	v.Set("crt", bit(s.CRT))
	if s.Com != "" {
		v.Set("com", s.Com)
	}
	return v.Encode()
}

func bit(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// ComName checks a ?com= URL, which must be relative (the same host as the
// page: a static site can hold its own programs, but the page fetches
// nothing from elsewhere) and name a .COM file, and returns the file's 8.3
// name on drive A:.
func ComName(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", errors.New("?com=" + raw + ": not a URL")
	}
	if u.Scheme != "" || u.Host != "" || strings.HasPrefix(raw, "//") || strings.Contains(raw, `\`) {
		return "", errors.New("?com=" + raw + ": only a relative URL on this site is fetched")
	}
	base := path.Base(u.Path)
	name, ok := emu.CPMName(base)
	if !ok || !strings.HasSuffix(name, ".COM") {
		return "", errors.New("?com=" + raw + ": not a CP/M program name (NAME.COM, 8.3)")
	}
	return name, nil
}
