package model

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sbinet/npyio/npy"
	"github.com/sbinet/npyio/npz"
)

// npyBytes is a hand-written .npy (version 1.0) with the given dictionary,
// independent of the package's own writer.
func npyBytes(dict string, data []byte) []byte {
	h := append([]byte("\x93NUMPY\x01\x00\x00\x00"), dict...)
	for (len(h)+1)%64 != 0 {
		h = append(h, ' ')
	}
	h = append(h, '\n')
	binary.LittleEndian.PutUint16(h[8:], uint16(len(h)-10))
	return append(h, data...)
}

// zipOf builds an npz from named members (".npy" added).
func zipOf(t *testing.T, members map[string][]byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, data := range members {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name + ".npy", Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestDecodeNPZByHand imports a tiny export whose every byte is written
// here: 256 -> 2 -> 3 with charset "OK" + NUL, values placed so that C order,
// sign extension and little-endian biases are all checked.
func TestDecodeNPZByHand(t *testing.T) {
	w1 := make([]byte, 2*256)
	w1[0] = 1        // neuron 0, input 0: +1
	w1[255] = 0xFE   // neuron 0, input 255: -2
	w1[256+3] = 0xFF // neuron 1, input 3: -1
	w2 := []byte{1, 0xFE, 0, 0xFF, 1, 1}
	members := map[string][]byte{
		"fc1_weight":    npyBytes("{'descr': '|i1', 'fortran_order': False, 'shape': (2, 256), }", w1),
		"fc1_bias":      npyBytes("{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }", []byte{0x34, 0x12, 0x00, 0x80}),
		"fc2_weight":    npyBytes("{'descr': '|i1', 'fortran_order': False, 'shape': (3, 2), }", w2),
		"fc2_bias":      npyBytes("{'descr': '<i2', 'fortran_order': False, 'shape': (3,), }", []byte{0xFF, 0xFF, 5, 0, 0, 1}),
		"_architecture": npyBytes("{'descr': '|S64', 'fortran_order': False, 'shape': (), }", []byte(`{"input_size": 256, "hidden_sizes": [2], "num_classes": 3}`+"\x00\x00\x00\x00\x00\x00")),
		"_charset":      npyBytes("{'descr': '|S3', 'fortran_order': False, 'shape': (), }", []byte("OK\x00")),
	}
	m, err := DecodeNPZ(zipOf(t, members), "tiny.npz")
	if err != nil {
		t.Fatal(err)
	}
	if m.Charset != "OK" || m.EOS() != 2 || len(m.Layers) != 2 {
		t.Fatalf("charset %q layers %d", m.Charset, len(m.Layers))
	}
	l1, l2 := m.Layers[0], m.Layers[1]
	if l1.W[0] != 1 || l1.W[255] != -2 || l1.W[256+3] != -1 || l1.W[1] != 0 || l1.In != 256 || l1.Out != 2 {
		t.Errorf("layer 1 weights misplaced")
	}
	if l1.B[0] != 0x1234 || l1.B[1] != -32768 {
		t.Errorf("layer 1 biases %v", l1.B)
	}
	if !reflect.DeepEqual(l2.W, []int8{1, -2, 0, -1, 1, 1}) || !reflect.DeepEqual(l2.B, []int16{-1, 5, 256}) {
		t.Errorf("layer 2 %v %v", l2.W, l2.B)
	}
	if m.QueryBuckets != 128 || m.InputScale != 32 || l1.Shift != 2 || m.MaxReply != 50 {
		t.Errorf("encoder settings are not the anchor's")
	}

	// The same, with the strings as NumPy unicode (what np.savez gives for
	// a Python str) and a charset without the NUL.
	utf32 := func(s string) []byte {
		var b []byte
		for _, c := range s {
			b = binary.LittleEndian.AppendUint32(b, uint32(c))
		}
		return b
	}
	members["_charset"] = npyBytes("{'descr': '<U2', 'fortran_order': False, 'shape': (), }", utf32("OK"))
	arch := `{"input_size": 256, "hidden_sizes": [2], "num_classes": 3}`
	members["_architecture"] = npyBytes("{'descr': '<U58', 'fortran_order': False, 'shape': (), }", utf32(arch))
	m2, err := DecodeNPZ(zipOf(t, members), "tiny.npz")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m, m2) {
		t.Errorf("unicode strings give another model")
	}
}

// TestNPZRoundTrip exports random models (with npyio's array writer) and
// imports them back: the same model, the same replies.
func TestNPZRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	dir := t.TempDir()
	for i, hidden := range [][]int{{256, 192, 128}, {16}, {9, 7}} {
		m := RandomBias(rng, " ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!/?", hidden, 0.27, 3000)
		b, err := EncodeNPZ(m)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "m.npz")
		os.WriteFile(path, b, 0o644)
		got, err := ImportNPZ(path)
		if err != nil {
			t.Fatalf("hidden %v: %v", hidden, err)
		}
		if got.Meta["source"] != "m.npz" {
			t.Errorf("meta %v", got.Meta)
		}
		got.Meta = m.Meta
		if !reflect.DeepEqual(got, m) {
			t.Fatalf("hidden %v: imported model differs", hidden)
		}
		// npyio's reader agrees with the layout: read fc1 back through it.
		zr, err := npz.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		var w []int8
		if err := zr.Read("fc1_weight.npy", &w); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(w, m.Layers[0].W) {
			t.Errorf("hidden %v: npyio reads other fc1 weights", hidden)
		}
		if h := zr.Header("fc1_weight.npy"); h == nil || !reflect.DeepEqual(h.Descr.Shape, []int{hidden[0], 256}) {
			t.Errorf("fc1 header %v", h)
		}
		for k := 0; k < 20 && i == 0; k++ {
			q := randomQuery(rng)
			if got.Generate(q) != m.Generate(q) {
				t.Fatalf("reply differs for %q", q)
			}
		}
	}
	bad := New("AB", nil)
	bad.Layers[0].Shift = 3
	if _, err := EncodeNPZ(bad); err == nil {
		t.Errorf("shift 3 exported")
	}
}

func TestBadNPZ(t *testing.T) {
	m := Random(rand.New(rand.NewPCG(1, 1)), "AB", []int{4}, 0.5)
	good, err := EncodeNPZ(m)
	if err != nil {
		t.Fatal(err)
	}
	members := func() map[string][]byte {
		zr, _ := zip.NewReader(bytes.NewReader(good), int64(len(good)))
		out := map[string][]byte{}
		for _, f := range zr.File {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			out[strings.TrimSuffix(f.Name, ".npy")] = b
		}
		return out
	}
	with := func(name string, data []byte) []byte {
		ms := members()
		if data == nil {
			delete(ms, name)
		} else {
			ms[name] = data
		}
		return zipOf(t, ms)
	}
	npyOf := func(v any) []byte {
		var b bytes.Buffer
		if err := npy.Write(&b, v); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	str := func(s string) []byte {
		var b bytes.Buffer
		byteString([]byte(s))(&b)
		return b.Bytes()
	}
	shortNpy := npyOf([]int16{1, 2, 3})
	shortNpy = shortNpy[:len(shortNpy)-1]
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"not zip", []byte("hello"), "not an npz"},
		{"no charset", with("_charset", nil), "no _charset"},
		{"no fc2", with("fc2_weight", nil), "no fc2_weight"},
		{"extra layer", with("fc3_weight", npyOf([]int8{1})), "fc3_weight present"},
		{"charset count", with("_charset", str("ABC\x00")), "num_classes is 3"},
		{"lower case", with("_charset", str("Ab\x00")), "charset entry 1"},
		{"input size", with("_architecture", str(`{"input_size": 200, "hidden_sizes": [4], "num_classes": 3}`)), "input_size 200"},
		{"bad json", with("_architecture", str(`{"input_size": `)), "_architecture"},
		{"no classes", with("_architecture", str(`{"input_size": 256, "hidden_sizes": [4]}`)), "num_classes"},
		{"shape", with("fc2_bias", npyOf([]int16{1, 2})), "fc2_bias: shape [2], want [3]"},
		{"weight range", with("fc2_weight", npyOf([3][4]int8{{0, 0, 2}})), "fc2_weight: value 2 at index [0 2]"},
		{"bias range", with("fc2_bias", npyOf([]int32{0, 40000, 0})), "fc2_bias: value 40000 at index [1]"},
		{"float", with("fc2_bias", npyOf([]float32{0, 1, 2})), "want integers"},
		{"short data", with("fc2_bias", shortNpy), "data bytes"},
		{"not npy", with("fc1_bias", []byte("plain text here")), "fc1_bias.npy: not a .npy"},
		{"huge header", with("fc1_bias", []byte("\x93NUMPY\x02\x00\xff\xff\xff\x7f{")), "header length"},
		{"garbled header", with("fc1_bias", npyBytes("{'descr': '<i2'}", []byte{1, 2})), "fc1_bias"},
	}
	for _, c := range cases {
		_, err := DecodeNPZ(c.data, "x.npz")
		if err == nil {
			t.Errorf("%s: imported", c.name)
			continue
		}
		if msg := err.Error(); !strings.HasPrefix(msg, "x.npz: ") || !strings.Contains(msg, c.want) {
			t.Errorf("%s: error %q, want %q", c.name, msg, c.want)
		}
	}
	if _, err := ImportNPZ(filepath.Join(t.TempDir(), "none.npz")); err == nil || !strings.Contains(err.Error(), "none.npz") {
		t.Errorf("missing file: %v", err)
	}
}

func FuzzDecodeNPZ(f *testing.F) {
	m := Random(rand.New(rand.NewPCG(1, 1)), "AB", []int{3}, 0.5)
	good, _ := EncodeNPZ(m)
	f.Add(good)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := DecodeNPZ(data, "f")
		if err != nil {
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("invalid model imported: %v", err)
		}
	})
}
