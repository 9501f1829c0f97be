package emu

// console is the keyboard queue: bytes typed or pasted wait here until a
// program reads them. It grows as needed, so nothing typed is ever lost.
type console struct {
	buf  []byte
	head int
}

func (q *console) push(b []byte) {
	if q.head > 0 && q.head == len(q.buf) {
		q.buf, q.head = q.buf[:0], 0
	}
	q.buf = append(q.buf, b...)
}

func (q *console) len() int { return len(q.buf) - q.head }

func (q *console) pop() (byte, bool) {
	if q.head == len(q.buf) {
		return 0, false
	}
	b := q.buf[q.head]
	q.head++
	if q.head == len(q.buf) {
		q.buf, q.head = q.buf[:0], 0
	} else if q.head > 4096 && q.head > len(q.buf)/2 {
		q.buf = append(q.buf[:0], q.buf[q.head:]...)
		q.head = 0
	}
	return b, true
}

func (q *console) clear() { q.buf, q.head = q.buf[:0], 0 }

// normalizeKeys turns host line ends into the CR a CP/M terminal sends for
// Return: "\r\n" and "\n" both become "\r".
func normalizeKeys(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b == '\r' && i+1 < len(s) && s[i+1] == '\n':
			out = append(out, '\r')
			i++
		case b == '\n':
			out = append(out, '\r')
		default:
			out = append(out, b)
		}
	}
	return out
}

// Control keys of the CP/M 2.2 line editor.
const (
	keyCtrlC = 0x03 // at the start of a line: warm boot
	keyCtrlE = 0x05 // physical end of line: new screen line, same input line
	keyBS    = 0x08
	keyTab   = 0x09
	keyLF    = 0x0A
	keyCR    = 0x0D
	keyCtrlR = 0x12 // retype the line
	keyCtrlU = 0x15 // discard the line, start over on a new screen line
	keyCtrlX = 0x18 // erase the line back to its start
	keyDEL   = 0x7F
)

type editResult int

const (
	editMore  editResult = iota // keep feeding keys
	editDone                    // the line is complete
	editAbort                   // ^C at the start of the line
)

// lineEditor is the line input of BDOS function 10 and of the CCP. It is fed
// one key at a time so that a read can stop when the queue runs dry and go on
// later. Echo goes through out, which expands TABs like the BDOS does.
type lineEditor struct {
	max      int
	buf      []byte
	startCol int
}

func (e *lineEditor) reset(max, col int) {
	e.max, e.buf, e.startCol = max, e.buf[:0], col
}

// width returns the screen column after echoing buf starting at startCol.
func (e *lineEditor) colAfter(buf []byte) int {
	col := e.startCol
	for _, b := range buf {
		switch {
		case b == keyTab:
			col = (col | 7) + 1
		case b < 0x20 || b == keyDEL:
			col += 2 // shown as ^X
		default:
			col++
		}
	}
	return col
}

func (e *lineEditor) rubout(n int, out func(byte)) {
	for ; n > 0; n-- {
		out(keyBS)
		out(' ')
		out(keyBS)
	}
}

func (e *lineEditor) newLine(out func(byte)) {
	out('#')
	out(keyCR)
	out(keyLF)
	for i := 0; i < e.startCol; i++ {
		out(' ')
	}
}

// feed handles one key.
func (e *lineEditor) feed(k byte, out func(byte)) editResult {
	if e.max <= 0 {
		out(keyCR)
		return editDone
	}
	switch k {
	case keyCR, keyLF:
		out(keyCR)
		return editDone
	case keyBS, keyDEL:
		if n := len(e.buf); n > 0 {
			e.rubout(e.colAfter(e.buf)-e.colAfter(e.buf[:n-1]), out)
			e.buf = e.buf[:n-1]
		}
		return editMore
	case keyCtrlX:
		e.rubout(e.colAfter(e.buf)-e.startCol, out)
		e.buf = e.buf[:0]
		return editMore
	case keyCtrlU:
		e.newLine(out)
		e.buf = e.buf[:0]
		return editMore
	case keyCtrlR:
		e.newLine(out)
		for _, b := range e.buf {
			echoKey(b, out)
		}
		return editMore
	case keyCtrlE:
		out(keyCR)
		out(keyLF)
		return editMore
	case keyCtrlC:
		if len(e.buf) == 0 {
			return editAbort
		}
	}
	e.buf = append(e.buf, k)
	echoKey(k, out)
	if len(e.buf) >= e.max {
		out(keyCR)
		return editDone
	}
	return editMore
}

// echoKey shows a typed key: printable as itself, TAB as spaces (out
// expands it), other control keys as ^X.
func echoKey(k byte, out func(byte)) {
	switch {
	case k == keyTab || (k >= 0x20 && k < keyDEL):
		out(k)
	default:
		out('^')
		out((k + '@') & 0x7F)
	}
}
