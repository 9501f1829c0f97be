package model

// Model file format, versions 1 and 2 (docs/DESIGN.md, "3. The model
// file"). All integers are little-endian; offsets are from the start of the
// file. A file is written in one canonical form, so the same model always
// gives the same bytes: version 1 when the model has no allowed replies
// (the bytes of older files stay as they were), version 2 when it has.
//
//	offset  size  field
//	0       6     magic "Z80ULM"
//	6       2     format version, uint16: 1, or 2 with allowed replies
//	8       4     total file length in bytes, uint32, checksum included
//	12      2     QueryBuckets, uint16
//	14      2     ContextBuckets, uint16
//	16      2     InputScale, int16
//	18      2     MaxReply, uint16
//	20      1     charset length n, uint8 (EOS is implicit, not stored)
//	21      n     charset bytes, output order
//	        1     layer count L, uint8
//	        L*5   per layer: In uint16, Out uint16, Shift uint8
//	              then for each layer in order:
//	        ceil(In*Out/4)  weights, row-major (neuron o, input i is weight
//	                        number o*In+i), 4 per byte, weight k of a byte
//	                        in bits 2k+1..2k (first weight in the low bits),
//	                        2-bit two's complement: 00=0 01=+1 10=-2 11=-1;
//	                        unused bits of the last byte are zero
//	        2*Out           biases, int16
//	              version 2 only: the allowed replies, in byte order:
//	        1     reply count R, uint8 (1..255)
//	              per reply: length uint8, bytes
//	        2     metadata entry count, uint16
//	              per entry, keys strictly increasing (byte order):
//	              key length uint16, key bytes, value length uint16, value bytes
//	        4     CRC-32 (IEEE) of every byte before it, uint32
//
// A reader refuses a file whose version is newer than it knows, whose length
// differs from the stored total, or whose checksum does not match, before
// looking at anything else; then it checks every field and the model.

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"sort"
)

// Magic opens every model file; FormatVersion is the version written.
const (
	Magic         = "Z80ULM"
	FormatVersion = 2 // the newest version this package reads and writes
	// maxFileSize bounds what Load reads; the largest valid model
	// (255 layers of 256x256) is about 4.3 MB.
	maxFileSize = 16 << 20
	headerSize  = 12
)

// Save writes m in the model file format. It refuses a model that does not
// pass Validate or whose metadata does not fit the format.
func Save(w io.Writer, m *Model) error {
	b, err := Marshal(m)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// Marshal returns the model file bytes of m.
func Marshal(m *Model) ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if len(m.Layers) > 255 {
		return nil, fmt.Errorf("model: %d layers, the file format holds 255", len(m.Layers))
	}
	if len(m.Meta) > 0xFFFF {
		return nil, fmt.Errorf("model: %d metadata entries, the file format holds 65535", len(m.Meta))
	}
	var b bytes.Buffer
	le := binary.LittleEndian
	u16 := func(v uint16) { b.Write(le.AppendUint16(nil, v)) }
	version := uint16(1) // the older form while it says everything
	if len(m.Replies) > 0 {
		version = 2
	}
	b.WriteString(Magic)
	u16(version)
	b.Write([]byte{0, 0, 0, 0}) // total length, filled in below
	u16(uint16(m.QueryBuckets))
	u16(uint16(m.ContextBuckets))
	u16(uint16(m.InputScale))
	u16(uint16(m.MaxReply))
	b.WriteByte(byte(len(m.Charset)))
	b.WriteString(m.Charset)
	b.WriteByte(byte(len(m.Layers)))
	for _, l := range m.Layers {
		u16(uint16(l.In))
		u16(uint16(l.Out))
		b.WriteByte(l.Shift)
	}
	for _, l := range m.Layers {
		b.Write(packWeights(l.W))
		for _, v := range l.B {
			u16(uint16(v))
		}
	}
	if version >= 2 {
		rs := SortedReplies(m.Replies)
		b.WriteByte(byte(len(rs)))
		for _, r := range rs {
			b.WriteByte(byte(len(r)))
			b.WriteString(r)
		}
	}
	keys := make([]string, 0, len(m.Meta))
	for k := range m.Meta {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	u16(uint16(len(keys)))
	for _, k := range keys {
		v := m.Meta[k]
		if len(k) > 0xFFFF || len(v) > 0xFFFF {
			return nil, fmt.Errorf("model: metadata %q: key and value must be at most 65535 bytes", k)
		}
		u16(uint16(len(k)))
		b.WriteString(k)
		u16(uint16(len(v)))
		b.WriteString(v)
	}
	out := b.Bytes()
	out = le.AppendUint32(out, 0)
	le.PutUint32(out[8:], uint32(len(out)))
	le.PutUint32(out[len(out)-4:], crc32.ChecksumIEEE(out[:len(out)-4]))
	return out, nil
}

// packWeights packs 2-bit weights 4 per byte, first weight in the low bits.
func packWeights(w []int8) []byte {
	p := make([]byte, (len(w)+3)/4)
	for k, v := range w {
		p[k/4] |= byte(v&3) << (2 * (k % 4))
	}
	return p
}

// Load reads a model file. Errors say what is wrong and at which offset.
func Load(r io.Reader) (*Model, error) {
	data, err := readLimited(r, maxFileSize, "model file")
	if err != nil {
		return nil, err
	}
	return Unmarshal(data, "model file")
}

// ReadFile loads the model file at path; errors start with the path.
func ReadFile(path string) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := readLimited(f, maxFileSize, path)
	if err != nil {
		return nil, err
	}
	return Unmarshal(data, path)
}

// readLimited reads r to its end, but no more than limit+1 bytes (so that
// the caller can tell a file that is too big); errors start with name.
func readLimited(r io.Reader, limit int64, name string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return data, nil
}

// WriteFile saves m to path. It writes a temporary file next to it and
// renames it, so an interrupted save (Ctrl+C in the trainer) never leaves a
// half-written model behind.
func WriteFile(path string, m *Model) error {
	b, err := Marshal(m)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// Unmarshal decodes model file bytes; name prefixes every error.
func Unmarshal(data []byte, name string) (*Model, error) {
	m, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return m, nil
}

// reader walks the file and remembers the field being read, so that an
// error can name both the field and its offset.
type reader struct {
	data  []byte
	off   int
	field string
	err   error
}

func (r *reader) take(n int, field string) []byte {
	if r.err != nil {
		return nil
	}
	r.field = field
	if n < 0 || n > len(r.data)-r.off {
		r.err = fmt.Errorf("offset %d (%s): needs %d bytes, %d left", r.off, field, n, len(r.data)-r.off)
		return nil
	}
	b := r.data[r.off : r.off+n]
	r.off += n
	return b
}

func (r *reader) u8(field string) int {
	b := r.take(1, field)
	if b == nil {
		return 0
	}
	return int(b[0])
}

func (r *reader) u16(field string) int {
	b := r.take(2, field)
	if b == nil {
		return 0
	}
	return int(binary.LittleEndian.Uint16(b))
}

// fail records a bad value in the field just read.
func (r *reader) fail(format string, a ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("offset %d (%s): %s", r.off, r.field, fmt.Sprintf(format, a...))
	}
}

func decode(data []byte) (*Model, error) {
	le := binary.LittleEndian
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("larger than %d bytes: not a model file", maxFileSize)
	}
	if len(data) < len(Magic) || string(data[:len(Magic)]) != Magic {
		return nil, fmt.Errorf("offset 0: no %q magic: not a model file", Magic)
	}
	if len(data) < headerSize {
		return nil, fmt.Errorf("truncated: %d bytes, the header alone is %d", len(data), headerSize)
	}
	version := int(le.Uint16(data[6:]))
	if version > FormatVersion {
		return nil, fmt.Errorf("offset 6: format version %d is newer than this program reads (%d)", version, FormatVersion)
	} else if version == 0 {
		return nil, fmt.Errorf("offset 6: format version 0 is invalid")
	}
	total := int(le.Uint32(data[8:]))
	if len(data) < total {
		return nil, fmt.Errorf("truncated: %d bytes, the header says %d", len(data), total)
	}
	if len(data) > total {
		return nil, fmt.Errorf("offset %d: %d bytes after the end the header gives", total, len(data)-total)
	}
	if total < headerSize+4 {
		return nil, fmt.Errorf("offset 8: total length %d is too small", total)
	}
	body := data[:total-4]
	if want, got := le.Uint32(data[total-4:]), crc32.ChecksumIEEE(body); want != got {
		return nil, fmt.Errorf("offset %d: checksum %08x, contents give %08x: file corrupted", total-4, want, got)
	}

	r := &reader{data: body, off: headerSize}
	m := &Model{Meta: map[string]string{}}
	m.QueryBuckets = r.u16("query buckets")
	m.ContextBuckets = r.u16("context buckets")
	m.InputScale = int16(r.u16("input scale"))
	m.MaxReply = r.u16("max reply")
	n := r.u8("charset length")
	m.Charset = string(r.take(n, "charset"))
	nl := r.u8("layer count")
	if r.err == nil && nl == 0 {
		r.fail("no layers")
	}
	for i := 0; i < nl && r.err == nil; i++ {
		f := fmt.Sprintf("layer %d shape", i+1)
		in, out, shift := r.u16(f), r.u16(f), r.u8(f)
		if r.err == nil && (in < 1 || in > 256 || out < 1 || out > 256) {
			r.fail("%dx%d: sizes must be 1..256", out, in)
		}
		m.Layers = append(m.Layers, Layer{In: in, Out: out, Shift: uint8(shift)})
	}
	for i := range m.Layers {
		if r.err != nil {
			break
		}
		l := &m.Layers[i]
		nw := l.In * l.Out
		p := r.take((nw+3)/4, fmt.Sprintf("layer %d weights", i+1))
		if p == nil {
			break
		}
		l.W = make([]int8, nw)
		for k := range l.W {
			v := int8(p[k/4]>>(2*(k%4))) & 3
			if v >= 2 {
				v -= 4
			}
			l.W[k] = v
		}
		if rest := nw % 4; rest != 0 && p[len(p)-1]>>(2*rest) != 0 {
			r.fail("unused bits of the last byte are not zero")
		}
		b := r.take(2*l.Out, fmt.Sprintf("layer %d biases", i+1))
		l.B = make([]int16, l.Out)
		for k := range l.B {
			if b != nil {
				l.B[k] = int16(le.Uint16(b[2*k:]))
			}
		}
	}
	if version >= 2 {
		nr := r.u8("reply count")
		if r.err == nil && nr == 0 {
			r.fail("no replies: a version 2 file lists at least one")
		}
		for i := 0; i < nr && r.err == nil; i++ {
			f := fmt.Sprintf("reply %d", i+1)
			rep := string(r.take(r.u8(f+" length"), f))
			if r.err == nil && i > 0 && rep <= m.Replies[i-1] {
				r.fail("%q after %q: replies must be strictly increasing", rep, m.Replies[i-1])
			}
			m.Replies = append(m.Replies, rep)
		}
	}
	nm := r.u16("metadata count")
	prev := ""
	for i := 0; i < nm && r.err == nil; i++ {
		f := fmt.Sprintf("metadata %d", i+1)
		k := string(r.take(r.u16(f+" key length"), f+" key"))
		if r.err == nil && i > 0 && k <= prev {
			r.fail("key %q after %q: keys must be strictly increasing", k, prev)
		}
		v := string(r.take(r.u16(f+" value length"), f+" value"))
		m.Meta[k] = v
		prev = k
	}
	if r.err == nil && r.off != len(body) {
		r.field = "checksum"
		r.fail("%d unexpected bytes before the checksum", len(body)-r.off)
	}
	if r.err != nil {
		return nil, r.err
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}
