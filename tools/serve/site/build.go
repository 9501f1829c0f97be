// Package site builds and serves the browser version (docs/DESIGN.md,
// "The front ends"): a static site of the page's files and the .wasm, with
// relative URLs only, so any static host and any sub-path will do; the
// handler adds only what a good host does: the application/wasm type and
// gzip for browsers that accept it.
package site

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// WasmName is the program's file name inside the site.
const WasmName = "z80ulm.wasm"

// Static lists the page's files besides the .wasm: where each comes from,
// relative to the repository root (or to GOROOT), and its name in the
// site; Wasm marks a Go package compiled to WebAssembly. A new file of the
// page is one more line here.
var Static = []struct {
	Name, From   string
	GoRoot, Wasm bool
}{
	{Name: "index.html", From: "index.html"},
	{Name: "page.js", From: "page.js"},
	{Name: "favicon.svg", From: "favicon.svg"},
	// The teach panel and its Web Worker, which runs the lesson compiled
	// to WebAssembly (docs/DESIGN.md, "Teaching a new secret").
	{Name: "teach.js", From: "teach.js"},
	{Name: "teach-worker.js", From: "teach-worker.js"},
	{Name: "teach.wasm", From: "./wasm/teach", Wasm: true},
	// Go's glue between the .wasm and the browser (Go 1.24 moved it from
	// misc/wasm to lib/wasm).
	{Name: "wasm_exec.js", From: "lib/wasm/wasm_exec.js", GoRoot: true},
}

// sizeMark is the placeholder in index.html that Build fills with the
// size of the .wasm, so that the loading bar knows its total even when the
// host sends it gzipped (Content-Length is then the compressed size).
const sizeMark = `content="WASM_SIZE"`

// Build writes the static site into out: the .wasm compiled from
// root/wasm and the files of Static. It returns a one-line summary with
// the sizes.
func Build(root, out string) (string, error) {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", err
	}
	absOut, err := filepath.Abs(out)
	if err != nil {
		return "", err
	}
	gocmd := goCommand()
	if err := buildWasm(gocmd, root, "./wasm", filepath.Join(absOut, WasmName)); err != nil {
		return "", err
	}
	wasm, err := os.ReadFile(filepath.Join(out, WasmName))
	if err != nil {
		return "", err
	}
	goroot, err := exec.Command(gocmd, "env", "GOROOT").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOROOT: %v", err)
	}
	names := []string{WasmName}
	for _, f := range Static {
		if f.Wasm {
			if err := buildWasm(gocmd, root, f.From, filepath.Join(absOut, f.Name)); err != nil {
				return "", err
			}
			names = append(names, f.Name)
			continue
		}
		from := filepath.Join(root, f.From)
		if f.GoRoot {
			from = filepath.Join(strings.TrimSpace(string(goroot)), f.From)
		}
		data, err := os.ReadFile(from)
		if err != nil {
			return "", err
		}
		if f.Name == "index.html" {
			if !bytes.Contains(data, []byte(sizeMark)) {
				return "", fmt.Errorf("%s: no %s placeholder for the .wasm size", from, sizeMark)
			}
			data = bytes.Replace(data, []byte(sizeMark), []byte(`content="`+strconv.Itoa(len(wasm))+`"`), 1)
		}
		if err := os.WriteFile(filepath.Join(out, f.Name), data, 0o644); err != nil {
			return "", err
		}
		names = append(names, f.Name)
	}
	return fmt.Sprintf("%s: %s %d bytes (%d gzipped); %s",
		out, WasmName, len(wasm), GzipSize(wasm), strings.Join(names[1:], ", ")), nil
}

// buildWasm compiles the Go package pkg (relative to root) for the browser.
func buildWasm(gocmd, root, pkg, out string) error {
	cmd := exec.Command(gocmd, "build", "-trimpath", "-ldflags=-s -w", "-o", out, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building %s for the browser: %v\n%s", pkg, err, msg)
	}
	return nil
}

func goCommand() string {
	if g := os.Getenv("GO"); g != "" {
		return g
	}
	return "go"
}

// GzipSize is the size of b gzipped at the best compression, as a host
// that compresses its files sends it.
func GzipSize(b []byte) int {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Len()
}
