package testkit

import (
	"os"
	"sync"
	"testing"
)

// Built is something the tests of a package make once, in a temporary
// directory, and share (the browser site, the desktop binary); the
// package's TestMain is Main, which removes it after the tests.
type Built struct {
	Name string                       // for the temporary directory and errors
	Make func(root, dir string) error // makes it in dir from the repository at root
	once sync.Once
	dir  string
	err  error
}

// Dir makes it on first use and returns its directory.
func (b *Built) Dir(tb testing.TB) string {
	tb.Helper()
	root := Root(tb)
	b.once.Do(func() {
		if b.dir, b.err = os.MkdirTemp("", "z80ulm-"+b.Name+"-"); b.err == nil {
			b.err = b.Make(root, b.dir)
		}
	})
	if b.err != nil {
		tb.Fatalf("making the %s: %v", b.Name, b.err)
	}
	return b.dir
}

// Main runs the tests (and benchmarks), then removes what they built.
func Main(m *testing.M, built ...*Built) {
	code := m.Run()
	for _, b := range built {
		if b.dir != "" {
			os.RemoveAll(b.dir)
		}
	}
	os.Exit(code)
}
