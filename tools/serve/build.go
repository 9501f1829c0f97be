package main

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

// wasmName is the program's file name inside dist/.
const wasmName = "z80ulm.wasm"

// sizeMark is the placeholder in index.html that Build fills with the
// size of the .wasm, so that the loading bar knows its total even when the
// host sends it gzipped (Content-Length is then the compressed size).
const sizeMark = `content="WASM_SIZE"`

// Build writes the static site into out: the .wasm compiled from
// root/wasm, wasm_exec.js from the Go installation, and index.html. It
// returns a one-line summary with the sizes.
func Build(root, out string) (string, error) {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", err
	}
	absOut, err := filepath.Abs(out)
	if err != nil {
		return "", err
	}
	gocmd := goCommand()
	cmd := exec.Command(gocmd, "build", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(absOut, wasmName), "./wasm")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the .wasm: %v\n%s", err, msg)
	}
	goroot, err := exec.Command(gocmd, "env", "GOROOT").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOROOT: %v", err)
	}
	gr := strings.TrimSpace(string(goroot))
	// Go 1.24 moved wasm_exec.js from misc/wasm to lib/wasm.
	var execJS []byte
	for _, p := range []string{"lib/wasm/wasm_exec.js", "misc/wasm/wasm_exec.js"} {
		if execJS, err = os.ReadFile(filepath.Join(gr, p)); err == nil {
			break
		}
	}
	if err != nil {
		return "", fmt.Errorf("wasm_exec.js not found in %s: %v", gr, err)
	}
	if err := os.WriteFile(filepath.Join(out, "wasm_exec.js"), execJS, 0o644); err != nil {
		return "", err
	}
	wasm, err := os.ReadFile(filepath.Join(out, wasmName))
	if err != nil {
		return "", err
	}
	page, err := os.ReadFile(filepath.Join(root, "index.html"))
	if err != nil {
		return "", err
	}
	if !bytes.Contains(page, []byte(sizeMark)) {
		return "", fmt.Errorf("%s: no %s placeholder for the .wasm size", filepath.Join(root, "index.html"), sizeMark)
	}
	page = bytes.Replace(page, []byte(sizeMark), []byte(`content="`+strconv.Itoa(len(wasm))+`"`), 1)
	if err := os.WriteFile(filepath.Join(out, "index.html"), page, 0o644); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s: %s %d bytes (%d gzipped), wasm_exec.js, index.html",
		out, wasmName, len(wasm), gzipSize(wasm)), nil
}

func goCommand() string {
	if g := os.Getenv("GO"); g != "" {
		return g
	}
	return "go"
}

func gzipSize(b []byte) int {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Len()
}
