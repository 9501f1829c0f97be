package site

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strings"
	"sync"
	"time"
)

// types the site needs, set explicitly: an unexpected type for the .wasm
// makes browsers refuse streaming compilation.
var types = map[string]string{
	".wasm": "application/wasm",
	".js":   "text/javascript; charset=utf-8",
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".json": "application/json",
	".png":  "image/png",
	".svg":  "image/svg+xml",
	".txt":  "text/plain; charset=utf-8",
}

// compressible lists the types worth gzipping (PNG is compressed already).
var compressible = map[string]bool{".wasm": true, ".js": true, ".html": true, ".css": true, ".json": true, ".txt": true, ".svg": true}

// Handler serves dir read-only. Paths cannot leave dir (os.Root), a
// directory serves its index.html, and compressible files go out gzipped
// when the request accepts gzip (compressed once per file version, and
// from the start in the background: gzipping the .wasm takes a second or
// two, which the first visitor would otherwise wait for).
func Handler(dir string) (http.Handler, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	s := &server{fsys: root.FS(), gz: map[string]gzEntry{}}
	go s.warm()
	return s, nil
}

// warm gzips every compressible file once.
func (s *server) warm() {
	fs.WalkDir(s.fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !compressible[path.Ext(name)] {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		if data, err := fs.ReadFile(s.fsys, name); err == nil {
			s.gzipped(name, info, data)
		}
		return nil
	})
}

type server struct {
	fsys fs.FS
	mu   sync.Mutex
	gz   map[string]gzEntry
}

type gzEntry struct {
	mod  time.Time
	size int64
	data []byte
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name == "" {
		name = "."
	}
	info, err := fs.Stat(s.fsys, name)
	if err == nil && info.IsDir() {
		name = path.Join(name, "index.html")
		info, err = fs.Stat(s.fsys, name)
	}
	if err != nil || info.IsDir() {
		http.NotFound(w, r)
		return
	}
	data, err := fs.ReadFile(s.fsys, name)
	if err != nil {
		http.Error(w, "cannot read "+name, http.StatusInternalServerError)
		return
	}
	ext := path.Ext(name)
	h := w.Header()
	if t, ok := types[ext]; ok {
		h.Set("Content-Type", t)
	} else {
		h.Set("Content-Type", http.DetectContentType(data))
	}
	// The site changes with every build: always revalidate.
	h.Set("Cache-Control", "no-cache")
	if compressible[ext] {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			data = s.gzipped(name, info, data)
			h.Set("Content-Encoding", "gzip")
		}
	}
	http.ServeContent(w, r, name, info.ModTime(), bytes.NewReader(data))
}

func (s *server) gzipped(name string, info fs.FileInfo, data []byte) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.gz[name]; ok && e.mod.Equal(info.ModTime()) && e.size == info.Size() {
		return e.data
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	io.Copy(zw, bytes.NewReader(data))
	zw.Close()
	s.gz[name] = gzEntry{info.ModTime(), info.Size(), buf.Bytes()}
	return buf.Bytes()
}

// acceptsGzip reads an Accept-Encoding header: gzip (or *) listed without
// q=0.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		fields := strings.Split(part, ";")
		enc := strings.TrimSpace(strings.ToLower(fields[0]))
		if enc != "gzip" && enc != "*" {
			continue
		}
		q := "1"
		for _, f := range fields[1:] {
			f = strings.TrimSpace(f)
			if strings.HasPrefix(f, "q=") {
				q = strings.TrimPrefix(f, "q=")
			}
		}
		if strings.Trim(q, "0.") != "" {
			return true
		}
	}
	return false
}
