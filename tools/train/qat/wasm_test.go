package qat

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"z80ulm/internal/testkit"
	"z80ulm/model"
	"z80ulm/tools/train/internal/synth"
)

// TestSameBytesAsWasm trains one model natively and as WebAssembly (this
// package's tests built for GOOS=js GOARCH=wasm, run by Node.js through the
// Go installation's go_js_wasm_exec) on the same data, flags and seed, and
// compares the model files byte for byte and the whole final float state
// (latent weights and Adam moments) bit for bit: the browser's teach worker
// must give the model the command line gives (docs/DESIGN.md, "Training").
// With gonum's kernels (assembly on amd64, Go elsewhere) the bytes of this
// very run differed.
func TestSameBytesAsWasm(t *testing.T) {
	if os.Getenv(wasmChild) != "" {
		// The WebAssembly side: train, write the model, print the digest.
		m, state := trainForWasmTest(t)
		if err := model.WriteFile(os.Getenv(wasmChild), m); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("state %s\n", state)
		return
	}
	if runtime.GOOS == "js" {
		t.Skip("run natively: it starts the WebAssembly side itself")
	}
	testkit.Need(t, "node") // go_js_wasm_exec runs the WebAssembly side with it
	dir := t.TempDir()
	bin := filepath.Join(dir, "train.test.wasm")
	build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "test", "-c", "-o", bin, ".")
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the tests for WebAssembly: %v\n%s", err, out)
	}
	wasmModel := filepath.Join(dir, "wasm.model")
	child := exec.Command(filepath.Join(runtime.GOROOT(), "lib", "wasm", "go_js_wasm_exec"), bin, "-test.run=^TestSameBytesAsWasm$")
	child.Env = append(os.Environ(), wasmChild+"="+wasmModel)
	out, err := child.CombinedOutput()
	if err != nil {
		t.Fatalf("WebAssembly side: %v\n%s", err, out)
	}

	m, state := trainForWasmTest(t)
	native, err := model.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	wasm, err := os.ReadFile(wasmModel)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(native, wasm) {
		t.Errorf("amd64 and WebAssembly trained different models (%d and %d bytes) on the same data, flags and seed", len(native), len(wasm))
	}
	if !strings.Contains(string(out), "state "+state+"\n") {
		t.Errorf("amd64 ends in state %s, WebAssembly in another:\n%s", state, out)
	}
}

// wasmChild names the model file the WebAssembly side writes.
const wasmChild = "Z80ULM_TRAIN_WASM_CHILD"

// trainForWasmTest: big enough that float sums in another order change the
// model, small enough for a few seconds under Node.js.
func trainForWasmTest(t *testing.T) (*model.Model, string) {
	cfg := DefaultConfig()
	cfg.Hidden, cfg.Epochs, cfg.Batch, cfg.Val = []int{64, 48, 32}, 6, 64, synth.Pairs(synth.Lines(100, 2))
	res := tinyRun(t, cfg, synth.Pairs(synth.Lines(600, 1)), nil)
	return res.Best, res.State
}
