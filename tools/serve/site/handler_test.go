package site

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func testSite(t *testing.T) (dir string, wasm []byte) {
	t.Helper()
	dir = t.TempDir()
	// Compressible but not trivially: a pseudo-random walk over few bytes.
	wasm = make([]byte, 50000)
	x := uint32(1)
	for i := range wasm {
		x = x*1664525 + 1013904223
		wasm[i] = byte(x>>28) + 'a'
	}
	files := map[string][]byte{
		"index.html":    []byte("<!DOCTYPE html><title>t</title>"),
		"z80ulm.wasm":   wasm,
		"sub/page.html": []byte("<p>sub</p>"),
		"shot.png":      {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'},
	}
	for name, b := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, wasm
}

func get(t *testing.T, h http.Handler, path, accept string) *http.Response {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	if accept != "" {
		req.Header.Set("Accept-Encoding", accept)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func TestWasmTypeAndGzip(t *testing.T) {
	dir, wasm := testSite(t)
	h, err := Handler(dir)
	if err != nil {
		t.Fatal(err)
	}
	plain := get(t, h, "/z80ulm.wasm", "")
	if ct := plain.Header.Get("Content-Type"); ct != "application/wasm" {
		t.Errorf("Content-Type = %q, want application/wasm", ct)
	}
	if enc := plain.Header.Get("Content-Encoding"); enc != "" {
		t.Errorf("no Accept-Encoding but Content-Encoding = %q", enc)
	}
	body, _ := io.ReadAll(plain.Body)
	if !bytes.Equal(body, wasm) {
		t.Errorf("plain body differs from the file (%d vs %d bytes)", len(body), len(wasm))
	}

	for _, accept := range []string{"gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.8", "*"} {
		resp := get(t, h, "/z80ulm.wasm", accept)
		if enc := resp.Header.Get("Content-Encoding"); enc != "gzip" {
			t.Fatalf("Accept-Encoding %q: Content-Encoding = %q, want gzip", accept, enc)
		}
		if resp.Header.Get("Content-Type") != "application/wasm" {
			t.Errorf("gzipped wasm has type %q", resp.Header.Get("Content-Type"))
		}
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, wasm) {
			t.Fatalf("gunzipped body differs from the file")
		}
		if n, _ := io.ReadAll(resp.Body); len(n) != 0 {
			t.Fatalf("trailing bytes after the gzip stream")
		}
	}
	for _, accept := range []string{"gzip;q=0", "br", "identity"} {
		if enc := get(t, h, "/z80ulm.wasm", accept).Header.Get("Content-Encoding"); enc != "" {
			t.Errorf("Accept-Encoding %q: got Content-Encoding %q", accept, enc)
		}
	}
	// PNG is not worth compressing again.
	if enc := get(t, h, "/shot.png", "gzip").Header.Get("Content-Encoding"); enc != "" {
		t.Errorf("png sent with Content-Encoding %q", enc)
	}
}

func TestPaths(t *testing.T) {
	dir, _ := testSite(t)
	// A file next to the served directory must stay unreachable.
	secret := filepath.Join(filepath.Dir(dir), "secret.txt")
	os.WriteFile(secret, []byte("secret"), 0o644)
	defer os.Remove(secret)
	h, err := Handler(dir)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path   string
		status int
		body   string
		ctype  string
	}{
		{"/", 200, "<!DOCTYPE html><title>t</title>", "text/html; charset=utf-8"},
		{"/index.html", 200, "<!DOCTYPE html><title>t</title>", "text/html; charset=utf-8"},
		{"/sub/", 404, "", ""},
		{"/sub/page.html", 200, "<p>sub</p>", "text/html; charset=utf-8"},
		{"/missing.js", 404, "", ""},
		{"/../secret.txt", 404, "", ""},
		{"/sub/../../secret.txt", 404, "", ""},
	}
	for _, c := range cases {
		resp := get(t, h, c.path, "")
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d", c.path, resp.StatusCode, c.status)
			continue
		}
		if c.status == 200 && (string(body) != c.body || resp.Header.Get("Content-Type") != c.ctype) {
			t.Errorf("%s: body %q type %q, want %q %q", c.path, body, resp.Header.Get("Content-Type"), c.body, c.ctype)
		}
		if bytes.Contains(body, []byte("secret")) {
			t.Errorf("%s: served a file outside the directory", c.path)
		}
	}
	req := httptest.NewRequest("POST", "/index.html", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d, want 405", rec.Code)
	}
	if _, err := Handler(filepath.Join(dir, "nope")); err == nil {
		t.Errorf("Handler on a missing directory: no error")
	}
}

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{
		"": false, "gzip": true, "GZIP": true, "deflate": false, "gzip;q=0": false,
		"gzip;q=0.0": false, "gzip;q=0.001": true, "deflate, gzip;q=0.5": true, "*;q=0": false,
		"x-gzip": false,
	} {
		if got := acceptsGzip(h); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", h, got, want)
		}
	}
}

// Any Accept-Encoding header: no panic, and the answer does not depend on
// spacing or letter case.
func FuzzAcceptsGzip(f *testing.F) {
	for _, s := range []string{"gzip", "br;q=1.0, gzip;q=0.8", "gzip;q=0", "*;q=0.5", ";;,,q=", "gzip;q=0.;q=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		got := acceptsGzip(h)
		spaced := strings.ReplaceAll(strings.ReplaceAll(h, ",", " , "), ";", " ; ")
		if acceptsGzip(spaced) != got {
			t.Fatalf("acceptsGzip(%q) = %v but %v with spaces added", h, got, !got)
		}
		if acceptsGzip(strings.ToUpper(h)) != got && !strings.ContainsAny(h, "Qq") {
			t.Fatalf("acceptsGzip(%q) = %v but differs in upper case", h, got)
		}
	})
}

// The handler gzips the compressible files as it starts, before anyone
// asks: the first visitor does not wait for the .wasm to be compressed.
func TestWarm(t *testing.T) {
	dir, _ := testSite(t)
	h, err := Handler(dir)
	if err != nil {
		t.Fatal(err)
	}
	s := h.(*server)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		s.mu.Lock()
		_, wasm := s.gz["z80ulm.wasm"]
		_, sub := s.gz["sub/page.html"]
		_, png := s.gz["shot.png"]
		s.mu.Unlock()
		if png {
			t.Fatal("a PNG was gzipped")
		}
		if wasm && sub {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the .wasm is not gzipped 10 s after the handler started")
		}
	}
}
