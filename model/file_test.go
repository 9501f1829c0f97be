package model

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func sampleModel(seed uint64, hidden []int) *Model {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	m := RandomBias(rng, " ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!,.?", hidden, 0.4, 30000)
	m.Meta["seed"] = "42"
	m.Meta["data-sha256"] = "0123abcd"
	m.Meta["secret"] = "chair"
	m.Meta[""] = "empty key is allowed"
	return m
}

func TestSaveLoadRoundTrip(t *testing.T) {
	for i, hidden := range [][]int{nil, {7}, {256, 192, 128}, {3, 5, 1}} {
		m := sampleModel(uint64(i), hidden)
		m.Layers[0].Shift = uint8(i)
		m.InputScale = int16(-7 * i)
		m.MaxReply = 255 - i
		var b bytes.Buffer
		if err := Save(&b, m); err != nil {
			t.Fatal(err)
		}
		got, err := Load(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatalf("hidden %v: %v", hidden, err)
		}
		if !reflect.DeepEqual(got, m) {
			t.Errorf("hidden %v: loaded model differs from saved one", hidden)
		}
		// Deterministic bytes: saving again (map order varies) gives the same.
		for k := 0; k < 3; k++ {
			b2, _ := Marshal(got)
			if !bytes.Equal(b2, b.Bytes()) {
				t.Fatalf("hidden %v: second save differs", hidden)
			}
		}
	}
}

func TestFileSizeAndPacking(t *testing.T) {
	m := New("AB", nil) // 256 -> 3: 768 weights, 192 packed bytes
	m.Layers[0].W[0], m.Layers[0].W[1], m.Layers[0].W[2], m.Layers[0].W[3] = 1, -2, -1, 0
	m.Meta = nil
	b, err := Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	// header 12, arch 8+1+2, layers 1+5, weights 192, biases 6, meta 2, crc 4
	if want := 12 + 11 + 6 + 192 + 6 + 2 + 4; len(b) != want {
		t.Fatalf("file is %d bytes, want %d", len(b), want)
	}
	// First weight in the low bits: 01, 10, 11, 00 -> 0b00111001.
	if w := b[12+11+6]; w != 0x39 {
		t.Errorf("first packed byte %#02x, want 0x39", w)
	}
	if string(b[:6]) != "Z80ULM" || binary.LittleEndian.Uint16(b[6:]) != 1 ||
		int(binary.LittleEndian.Uint32(b[8:])) != len(b) {
		t.Errorf("header % x", b[:12])
	}
}

func TestWriteReadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.ulm")
	m := sampleModel(9, []int{16})
	if err := WriteFile(path, m); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile(path)
	if err != nil || !reflect.DeepEqual(got, m) {
		t.Fatalf("ReadFile: %v", err)
	}
	bad := New("AB", nil)
	bad.Layers[0].W[0] = 3
	if err := WriteFile(path, bad); err == nil || !strings.Contains(err.Error(), "weight 3") {
		t.Errorf("WriteFile of a bad model: %v", err)
	}
}

// reseal recomputes the checksum after a deliberate edit, so that the
// field checks behind it are reached.
func reseal(b []byte) []byte {
	b = append([]byte{}, b...)
	binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.ChecksumIEEE(b[:len(b)-4]))
	return b
}

func TestBadFiles(t *testing.T) {
	m := sampleModel(3, []int{8})
	good, err := Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "bad.ulm")
	edit := func(f func(b []byte) []byte) []byte { return f(append([]byte{}, good...)) }
	cases := []struct {
		name string
		data []byte
		want []string // all must appear in the error
	}{
		{"empty", nil, []string{"magic"}},
		{"not a model", []byte("hello world, not a model at all"), []string{"magic"}},
		{"short header", good[:9], []string{"truncated"}},
		{"truncated", good[:len(good)-10], []string{"truncated", "header says"}},
		{"trailing", append(append([]byte{}, good...), 0), []string{"after the end"}},
		{"newer", edit(func(b []byte) []byte { b[6] = 3; return b }), []string{"offset 6", "version 3", "newer"}},
		{"version 0", edit(func(b []byte) []byte { b[6] = 0; return b }), []string{"version 0"}},
		{"flipped bit", edit(func(b []byte) []byte { b[40] ^= 4; return b }), []string{"checksum", "corrupted"}},
		{"bad crc", edit(func(b []byte) []byte { b[len(b)-1]++; return b }), []string{"checksum"}},
		{"no layers", reseal(edit(func(b []byte) []byte { b[21+len(m.Charset)] = 0; return b })),
			[]string{"layer count", "no layers"}},
		{"huge layer", reseal(edit(func(b []byte) []byte { b[21+len(m.Charset)+2] = 0xFF; return b })),
			[]string{"layer 1 shape", "1..256"}},
		{"charset", reseal(edit(func(b []byte) []byte { b[21] = 'a'; return b })),
			[]string{"charset entry 0"}},
		{"padding", reseal(edit(func(b []byte) []byte {
			// Shrink the charset length: every later field shifts, so the
			// reader runs out of bytes or finds garbage; it must say where.
			b[20]--
			return b
		})), []string{"offset"}},
	}
	for _, c := range cases {
		os.WriteFile(path, c.data, 0o644)
		_, err := ReadFile(path)
		if err == nil {
			t.Errorf("%s: loaded", c.name)
			continue
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, path+": ") {
			t.Errorf("%s: error %q does not name the file", c.name, msg)
		}
		for _, w := range c.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: error %q lacks %q", c.name, msg, w)
			}
		}
		if _, err := Load(bytes.NewReader(c.data)); err == nil || !strings.HasPrefix(err.Error(), "model file: ") {
			t.Errorf("%s: Load error %v", c.name, err)
		}
	}
	// Every truncation and every single-byte change is refused.
	for n := 0; n < len(good); n++ {
		if _, err := Unmarshal(good[:n], "x"); err == nil {
			t.Fatalf("truncated to %d bytes: loaded", n)
		}
	}
	for i := range good {
		b := append([]byte{}, good...)
		b[i] ^= 0x10
		if _, err := Unmarshal(b, "x"); err == nil {
			t.Fatalf("byte %d changed: loaded", i)
		}
	}
	if _, err := ReadFile(filepath.Join(t.TempDir(), "none.ulm")); err == nil || !strings.Contains(err.Error(), "none.ulm") {
		t.Errorf("missing file: %v", err)
	}
}

func FuzzLoad(f *testing.F) {
	for i, hidden := range [][]int{nil, {4}, {3, 2}} {
		m := sampleModel(uint64(i), hidden)
		if i == 1 {
			m.Replies = []string{"YES", "NO", "MAYBE"}
		}
		b, _ := Marshal(m)
		f.Add(b)
	}
	f.Add([]byte("Z80ULM\x01\x00\x10\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		check := func(data []byte) {
			m, err := Unmarshal(data, "fuzz")
			if err != nil {
				if !strings.HasPrefix(err.Error(), "fuzz: ") {
					t.Fatalf("error without the name: %v", err)
				}
				return
			}
			if err := m.Validate(); err != nil {
				t.Fatalf("loaded an invalid model: %v", err)
			}
			// A file that loads is in canonical form: saving gives it back.
			b, err := Marshal(m)
			if err != nil || !bytes.Equal(b, data) {
				t.Fatalf("re-save differs (%v)", err)
			}
			m.Generate("is it big")
		}
		check(data)
		// Most mutations only break the checksum; fix the length and the
		// checksum so that the field checks behind them are fuzzed too.
		if len(data) >= headerSize+4 {
			b := append([]byte{}, data...)
			binary.LittleEndian.PutUint32(b[8:], uint32(len(b)))
			check(reseal(b))
		}
	})
}
