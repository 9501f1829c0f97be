package model

// lower maps A-Z to a-z and leaves every other byte as it is.
func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// MaxQuery is the most characters of a query the encoder reads: the line
// buffer of the CP/M programs' chat mode (BDOS 10, 62 characters). A longer
// query (a command tail holds up to 126) is cut to the same length, so both
// modes answer the same question alike, and the trigram counts stay within
// what training lines (60 characters at most) produce.
const MaxQuery = 62

// TrimQuery drops the leading spaces of a typed line and keeps at most
// MaxQuery characters, as the Z80 programs do.
func TrimQuery(q string) string {
	i := 0
	for i < len(q) && q[i] == ' ' {
		i++
	}
	q = q[i:]
	if len(q) > MaxQuery {
		q = q[:MaxQuery]
	}
	return q
}

// QueryCounts adds, for every trigram of " q " (q lower-cased, leading
// spaces removed, cut to MaxQuery characters), one count to bucket
// h % buckets of counts.
func QueryCounts(q string, buckets int, counts []int) {
	q = TrimQuery(q)
	s := make([]byte, 0, len(q)+2)
	s = append(s, ' ')
	for i := 0; i < len(q); i++ {
		s = append(s, lower(q[i]))
	}
	s = append(s, ' ')
	for i := 0; i+3 <= len(s); i++ {
		h := uint16(0)
		for _, c := range s[i : i+3] {
			h = h*31 + uint16(c)
		}
		counts[int(h)%buckets]++
	}
}

// Context returns the 8-character window over the reply generated so far:
// the last ContextLen characters, lower-cased, right-aligned, space-padded.
func Context(reply string) [ContextLen]byte {
	var w [ContextLen]byte
	for i := range w {
		w[i] = ' '
	}
	if len(reply) > ContextLen {
		reply = reply[len(reply)-ContextLen:]
	}
	off := ContextLen - len(reply)
	for i := 0; i < len(reply); i++ {
		w[off+i] = lower(reply[i])
	}
	return w
}

// ContextCounts adds, for n in 1..3 and each start i, one count to bucket
// h % buckets where h starts at i*7 and takes h*31+c per character.
func ContextCounts(w [ContextLen]byte, buckets int, counts []int) {
	for n := 1; n <= MaxNgram; n++ {
		for i := 0; i+n <= ContextLen; i++ {
			h := uint16(i * 7)
			for _, c := range w[i : i+n] {
				h = h*31 + uint16(c)
			}
			counts[int(h)%buckets]++
		}
	}
}

// Input builds the first layer's input vector for a query and the reply so
// far, with counts scaled by InputScale (16-bit wrap, as on the Z80).
func (m *Model) Input(query, reply string) []int16 {
	counts := make([]int, m.Inputs())
	QueryCounts(query, m.QueryBuckets, counts[:m.QueryBuckets])
	ContextCounts(Context(reply), m.ContextBuckets, counts[m.QueryBuckets:])
	x := make([]int16, len(counts))
	for i, c := range counts {
		x[i] = int16(c) * m.InputScale
	}
	return x
}
