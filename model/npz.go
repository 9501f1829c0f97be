package model

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/sbinet/npyio/npy"
	"github.com/sbinet/npyio/npz"
)

// The anchor's export (docs/DESIGN.md, "3. The model file"): a NumPy zip
// with fcN_weight (int8, out x in, -2..1) and fcN_bias (int16) for
// N = 1..layers, _architecture (JSON bytes) and _charset (bytes, EOS as a
// NUL at the end).

// maxNPZEntry bounds one array; the anchor's largest is 64 KB.
const maxNPZEntry = 16 << 20

// ImportNPZ reads an anchor export. The model gets the anchor's fixed
// encoder settings (128+128 buckets, inputs x32, shift 2, 50 characters).
func ImportNPZ(path string) (*Model, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m, err := DecodeNPZ(data, path)
	if err != nil {
		return nil, err
	}
	m.Meta["source"] = filepath.Base(path)
	return m, nil
}

// DecodeNPZ imports an anchor export held in memory; name prefixes errors.
func DecodeNPZ(data []byte, name string) (m *Model, err error) {
	// npyio parses headers with unchecked slicing; a hostile file must give
	// an error, not a crash.
	defer func() {
		if p := recover(); p != nil {
			m, err = nil, fmt.Errorf("%s: malformed npz: %v", name, p)
		}
	}()
	m, err = decodeNPZ(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return m, nil
}

type npzArch struct {
	InputSize   *int  `json:"input_size"`
	HiddenSizes []int `json:"hidden_sizes"`
	NumClasses  *int  `json:"num_classes"`
}

func decodeNPZ(data []byte) (*Model, error) {
	zr, err := npz.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("not an npz archive: %v", err)
	}
	entries := map[string]*entry{}
	for _, k := range zr.Keys() {
		e, err := readEntry(zr, k)
		if err != nil {
			return nil, err
		}
		entries[k] = e
	}
	get := func(name string) (*entry, error) {
		if e, ok := entries[name+".npy"]; ok {
			return e, nil
		}
		return nil, fmt.Errorf("no %s array", name)
	}

	e, err := get("_architecture")
	if err != nil {
		return nil, err
	}
	archText, err := e.text()
	if err != nil {
		return nil, err
	}
	archText = strings.TrimRight(archText, "\x00") // padding of a wider |S
	var arch npzArch
	if err := json.Unmarshal([]byte(archText), &arch); err != nil {
		return nil, fmt.Errorf("_architecture: %v", err)
	}
	if arch.InputSize == nil || arch.NumClasses == nil {
		return nil, fmt.Errorf("_architecture %s: needs input_size and num_classes", archText)
	}
	if *arch.InputSize != 2*DefaultBuckets {
		return nil, fmt.Errorf("_architecture: input_size %d, the anchor's encoders give %d", *arch.InputSize, 2*DefaultBuckets)
	}
	if *arch.NumClasses < 2 || *arch.NumClasses > 256 {
		return nil, fmt.Errorf("_architecture: num_classes %d outside 2..256", *arch.NumClasses)
	}
	if len(arch.HiddenSizes) > 254 {
		return nil, fmt.Errorf("_architecture: %d hidden layers", len(arch.HiddenSizes))
	}
	for i, h := range arch.HiddenSizes {
		if h < 1 || h > 256 {
			return nil, fmt.Errorf("_architecture: hidden size %d (layer %d) outside 1..256", h, i+1)
		}
	}

	e, err = get("_charset")
	if err != nil {
		return nil, err
	}
	cs, err := e.text()
	if err != nil {
		return nil, err
	}
	// EOS is stored as a NUL at the end; it is implicit in a Model.
	if n := len(cs); n > 0 && cs[n-1] == 0 {
		cs = cs[:n-1]
	}
	if len(cs)+1 != *arch.NumClasses {
		return nil, fmt.Errorf("_charset has %d characters and EOS, num_classes is %d", len(cs), *arch.NumClasses)
	}

	m := New(cs, arch.HiddenSizes)
	for li := range m.Layers {
		l := &m.Layers[li]
		wname := fmt.Sprintf("fc%d_weight", li+1)
		bname := fmt.Sprintf("fc%d_bias", li+1)
		e, err := get(wname)
		if err != nil {
			return nil, err
		}
		w, err := e.ints(wname, []int{l.Out, l.In}, -2, 1)
		if err != nil {
			return nil, err
		}
		for k, v := range w {
			l.W[k] = int8(v)
		}
		if e, err = get(bname); err != nil {
			return nil, err
		}
		b, err := e.ints(bname, []int{l.Out}, -32768, 32767)
		if err != nil {
			return nil, err
		}
		for k, v := range b {
			l.B[k] = int16(v)
		}
	}
	if _, err := get(fmt.Sprintf("fc%d_weight", len(m.Layers)+1)); err == nil {
		return nil, fmt.Errorf("fc%d_weight present, _architecture gives %d layers", len(m.Layers)+1, len(m.Layers))
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// entry is one .npy member: its parsed header and its raw data bytes.
type entry struct {
	name string
	hdr  npy.Header
	raw  []byte
}

func readEntry(zr *npz.Reader, name string) (*entry, error) {
	rc, err := zr.Open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := readLimited(rc, maxNPZEntry, name)
	if err != nil {
		return nil, err
	}
	if len(data) > maxNPZEntry {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, maxNPZEntry)
	}
	// Check the header length before npyio allocates it.
	if len(data) < 10 || string(data[:6]) != string(npy.Magic[:]) {
		return nil, fmt.Errorf("%s: not a .npy array", name)
	}
	hl, start := int(binary.LittleEndian.Uint16(data[8:])), 10
	if data[6] >= 2 {
		if len(data) < 12 {
			return nil, fmt.Errorf("%s: truncated header", name)
		}
		hl, start = int(binary.LittleEndian.Uint32(data[8:])), 12
	}
	if hl < 0 || hl > len(data)-start {
		return nil, fmt.Errorf("%s: header length %d beyond the data", name, hl)
	}
	r := bytes.NewReader(data)
	nr, err := npy.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return &entry{name: name, hdr: nr.Header, raw: data[len(data)-r.Len():]}, nil
}

var (
	bytesType = regexp.MustCompile(`^[|<>=]?S(\d+)$`)
	utf32Type = regexp.MustCompile(`^([<>=|]?)U(\d+)$`)
)

// text returns a 0-d byte string (|S n, raw bytes, NULs kept) or unicode
// string (<U n, UTF-32) array as bytes.
func (e *entry) text() (string, error) {
	t := e.hdr.Descr.Type
	if len(e.hdr.Descr.Shape) != 0 {
		return "", fmt.Errorf("%s: shape %v, want a single string", e.name, e.hdr.Descr.Shape)
	}
	if m := bytesType.FindStringSubmatch(t); m != nil {
		n, _ := strconv.Atoi(m[1])
		if n > len(e.raw) {
			return "", fmt.Errorf("%s: %s needs %d bytes, has %d", e.name, t, n, len(e.raw))
		}
		return string(e.raw[:n]), nil
	}
	if m := utf32Type.FindStringSubmatch(t); m != nil {
		n, _ := strconv.Atoi(m[2])
		if n > len(e.raw)/4 {
			return "", fmt.Errorf("%s: %s needs %d bytes, has %d", e.name, t, 4*n, len(e.raw))
		}
		var order binary.ByteOrder = binary.LittleEndian
		if m[1] == ">" {
			order = binary.BigEndian
		}
		s := make([]byte, 0, n)
		for i := 0; i < n; i++ {
			c := order.Uint32(e.raw[4*i:])
			if c > 0x7f {
				return "", fmt.Errorf("%s: character %d is U+%04X, only ASCII is supported", e.name, i, c)
			}
			s = append(s, byte(c))
		}
		return string(s), nil
	}
	return "", fmt.Errorf("%s: dtype %s, want a byte string (S) or unicode (U)", e.name, t)
}

// ints returns an integer array of the given shape (C order) with every
// value in lo..hi. Any integer dtype is accepted as long as values fit.
func (e *entry) ints(name string, shape []int, lo, hi int64) ([]int64, error) {
	h := e.hdr.Descr
	if !reflect.DeepEqual(h.Shape, shape) {
		return nil, fmt.Errorf("%s: shape %v, want %v", name, h.Shape, shape)
	}
	if h.Fortran {
		return nil, fmt.Errorf("%s: Fortran order is not supported", name)
	}
	rt := npy.TypeFrom(h.Type)
	if rt == nil {
		return nil, fmt.Errorf("%s: dtype %s unknown", name, h.Type)
	}
	switch rt.Kind() {
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint8, reflect.Uint16, reflect.Uint32:
	default:
		return nil, fmt.Errorf("%s: dtype %s, want integers", name, h.Type)
	}
	n := 1
	for _, d := range shape {
		n *= d
	}
	size := int(rt.Size())
	if len(e.raw) < n*size {
		return nil, fmt.Errorf("%s: %d data bytes for %d values of %s", name, len(e.raw), n, h.Type)
	}
	var order binary.ByteOrder = binary.LittleEndian
	if h.Type[0] == '>' {
		order = binary.BigEndian
	}
	out := make([]int64, n)
	for i := range out {
		b := e.raw[i*size : (i+1)*size]
		var v int64
		switch rt.Kind() {
		case reflect.Int8:
			v = int64(int8(b[0]))
		case reflect.Uint8:
			v = int64(b[0])
		case reflect.Int16:
			v = int64(int16(order.Uint16(b)))
		case reflect.Uint16:
			v = int64(order.Uint16(b))
		case reflect.Int32:
			v = int64(int32(order.Uint32(b)))
		case reflect.Uint32:
			v = int64(order.Uint32(b))
		case reflect.Int64:
			v = int64(order.Uint64(b))
		}
		if v < lo || v > hi {
			return nil, fmt.Errorf("%s: value %d at index %v outside %d..%d", name, v, unravel(i, shape), lo, hi)
		}
		out[i] = v
	}
	return out, nil
}

// unravel turns a flat C-order index into coordinates, for messages.
func unravel(i int, shape []int) []int {
	c := make([]int, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		c[d] = i % shape[d]
		i /= shape[d]
	}
	return c
}

// EncodeNPZ writes m in the anchor's export format, so that tests (and the
// anchor's own tools) can use models made here. Only models with the
// anchor's fixed encoder settings can be expressed in that format.
func EncodeNPZ(m *Model) ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if m.QueryBuckets != DefaultBuckets || m.ContextBuckets != DefaultBuckets ||
		m.InputScale != DefaultInputScale || m.MaxReply != DefaultMaxReply {
		return nil, fmt.Errorf("model: the npz format has fixed encoders (%d+%d buckets, x%d, %d characters)",
			DefaultBuckets, DefaultBuckets, DefaultInputScale, DefaultMaxReply)
	}
	hidden := []int{}
	for li, l := range m.Layers {
		if l.Shift != DefaultShift {
			return nil, fmt.Errorf("model: layer %d shift %d: the npz format has shift %d", li+1, l.Shift, DefaultShift)
		}
		if li < len(m.Layers)-1 {
			hidden = append(hidden, l.Out)
		}
	}
	arch, err := json.Marshal(map[string]any{
		"input_size": m.Inputs(), "hidden_sizes": hidden, "num_classes": m.Classes()})
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, write func(io.Writer) error) error {
		// Stored, not deflated, as np.savez does.
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name + ".npy", Method: zip.Store})
		if err != nil {
			return err
		}
		return write(w)
	}
	for li, l := range m.Layers {
		// npyio writes multi-dimensional data from fixed-size arrays.
		w := reflect.New(reflect.ArrayOf(l.Out, reflect.ArrayOf(l.In, reflect.TypeOf(int8(0))))).Elem()
		for o := 0; o < l.Out; o++ {
			for i := 0; i < l.In; i++ {
				w.Index(o).Index(i).SetInt(int64(l.W[o*l.In+i]))
			}
		}
		if err := add(fmt.Sprintf("fc%d_weight", li+1), func(out io.Writer) error {
			return npy.Write(out, w.Interface())
		}); err != nil {
			return nil, err
		}
		if err := add(fmt.Sprintf("fc%d_bias", li+1), func(out io.Writer) error {
			return npy.Write(out, l.B)
		}); err != nil {
			return nil, err
		}
	}
	if err := add("_architecture", byteString(arch)); err != nil {
		return nil, err
	}
	if err := add("_charset", byteString(append([]byte(m.Charset), 0))); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// byteString writes a 0-d NumPy byte string (dtype |S n), which npyio's
// writer cannot produce (it writes Go strings as unicode).
func byteString(s []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		dict := fmt.Sprintf("{'descr': '|S%d', 'fortran_order': False, 'shape': (), }", len(s))
		// Version 1.0: magic, 2 version bytes, uint16 header length; the
		// header is padded with spaces and a newline to a multiple of 64.
		total := (10 + len(dict) + 1 + 63) / 64 * 64
		h := make([]byte, 0, total+len(s))
		h = append(h, npy.Magic[:]...)
		h = append(h, 1, 0)
		h = binary.LittleEndian.AppendUint16(h, uint16(total-10))
		h = append(h, dict...)
		for len(h) < total-1 {
			h = append(h, ' ')
		}
		h = append(h, '\n')
		_, err := w.Write(append(h, s...))
		return err
	}
}
