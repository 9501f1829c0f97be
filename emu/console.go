package emu

// Key is a key a front end presses that is not a character: the arrows,
// Home, End, Delete and Esc (docs/DESIGN.md, "The CP/M machine"). Keys
// queue in order with typed text (Machine.PressKey, Machine.Type) and are
// translated when a program reads them, not when they are pressed: in a
// line read (BDOS 10, the CCP) they edit the line; in a raw read (BDOS 1
// and 6, BIOS CONIN) they become the WordStar keys most CP/M software
// understands (rawKey).
type Key int

// The keys. Values below 100h are the characters themselves.
const (
	KeyLeft Key = 0x100 + iota
	KeyRight
	KeyUp
	KeyDown
	KeyHome
	KeyEnd
	KeyDelete
	KeyEsc
)

// Control characters of CP/M's console.
const (
	keyCtrlC = 0x03 // at the start of a line: warm boot
	keyCtrlD = 0x04
	keyCtrlE = 0x05 // physical end of line: new screen line, same input line
	keyCtrlG = 0x07
	keyBS    = 0x08
	keyTab   = 0x09
	keyLF    = 0x0A
	keyCR    = 0x0D
	keyCtrlP = 0x10 // printer echo on/off (there is no printer)
	keyCtrlQ = 0x11
	keyCtrlR = 0x12 // retype the line
	keyCtrlS = 0x13 // stop the screen until the next key
	keyCtrlU = 0x15 // discard the line, start over on a new screen line
	keyCtrlX = 0x18 // erase the line back to its start
	keyEsc   = 0x1B
	keyDEL   = 0x7F
)

// rawKeys is what a key becomes in a raw read: the WordStar cursor
// diamond (^S left, ^D right, ^E up, ^X down), ^QS and ^QD for the start
// and end of the line, ^G to delete the character at the cursor, and the
// ESC character.
var rawKeys = map[Key][]byte{
	KeyLeft: {keyCtrlS}, KeyRight: {keyCtrlD}, KeyUp: {keyCtrlE}, KeyDown: {keyCtrlX},
	KeyHome: {keyCtrlQ, 'S'}, KeyEnd: {keyCtrlQ, 'D'}, KeyDelete: {keyCtrlG}, KeyEsc: {keyEsc},
}

// console is the keyboard queue: characters typed or pasted and keys
// pressed wait here until a program reads them. It grows as needed, so
// nothing typed is ever lost.
type console struct {
	buf  []Key
	head int
}

func (q *console) push(b []byte) {
	q.compact()
	for _, c := range b {
		q.buf = append(q.buf, Key(c))
	}
}

func (q *console) pushKey(k Key) {
	q.compact()
	q.buf = append(q.buf, k)
}

func (q *console) compact() {
	if q.head > 0 && q.head == len(q.buf) {
		q.buf, q.head = q.buf[:0], 0
	}
}

func (q *console) len() int { return len(q.buf) - q.head }

// peek returns the next key without taking it.
func (q *console) peek() (Key, bool) {
	if q.head == len(q.buf) {
		return 0, false
	}
	return q.buf[q.head], true
}

// pop takes the next key.
func (q *console) pop() (Key, bool) {
	if q.head == len(q.buf) {
		return 0, false
	}
	k := q.buf[q.head]
	q.head++
	if q.head == len(q.buf) {
		q.buf, q.head = q.buf[:0], 0
	} else if q.head > 4096 && q.head > len(q.buf)/2 {
		q.buf = append(q.buf[:0], q.buf[q.head:]...)
		q.head = 0
	}
	return k, true
}

// popRaw takes the next character for a raw read, a key translated by
// rawKeys (a two-character translation leaves its second character at the
// head of the queue).
func (q *console) popRaw() (byte, bool) {
	k, ok := q.peek()
	if !ok {
		return 0, false
	}
	if k < 0x100 {
		q.pop()
		return byte(k), true
	}
	t := rawKeys[k]
	if len(t) == 2 {
		q.buf[q.head] = Key(t[1])
	} else {
		q.pop()
	}
	if len(t) == 0 {
		return 0, false
	}
	return t[0], true
}

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

type editResult int

const (
	editMore  editResult = iota // keep feeding keys
	editDone                    // the line is complete
	editAbort                   // ^C at the start of the line
	editEnd                     // ^D at the start of the line, when it ends the input (ctrlDEnds)
)

// lineEditor is the line input of BDOS function 10 and of the CCP, CP/M
// 2.2's line editor with a cursor: ^H and DEL delete the character before
// the cursor, ^X and ^U discard the line, ^R retypes it, ^E starts a new
// screen line, ^P is taken and ignored, ^C on an empty line aborts, CR or
// LF end the line, and a full buffer ends it at once. The keys (Key) move
// the cursor (Left, Right, Home, End), delete at the cursor (Delete),
// clear the line (Esc) and recall the previous line (Up); typed characters
// are inserted at the cursor.
//
// It is fed one key at a time so that a read can stop when the queue runs
// dry and go on later. Echo goes through out, which expands TABs like the
// BDOS does; the cursor is moved on the screen with BS and by writing the
// line again (so lines longer than the screen's width are best edited at
// their end, as on a real terminal).
type lineEditor struct {
	max       int
	buf       []byte
	cur       int // cursor position in buf
	startCol  int
	last      []byte // the previous line, for Up
	ctrlDEnds bool   // ^D on an empty line ends the input (a terminal runner's end of file)
}

func (e *lineEditor) reset(max, col int) {
	e.max, e.buf, e.cur, e.startCol = max, e.buf[:0], 0, col
}

// colAt returns the screen column after echoing buf[:i] from startCol.
func (e *lineEditor) colAt(i int) int {
	col := e.startCol
	for _, b := range e.buf[:i] {
		switch {
		case b == keyTab:
			col = (col | 7) + 1
		case b < 0x20:
			col += 2 // shown as ^X
		default:
			col++
		}
	}
	return col
}

// back moves the screen cursor n columns left.
func back(n int, out func(byte)) {
	for ; n > 0; n-- {
		out(keyBS)
	}
}

// redraw writes the line from the cursor on, blanks what an edit left
// behind (the line was oldEnd columns long) and puts the screen cursor
// back at the cursor.
func (e *lineEditor) redraw(oldEnd int, out func(byte)) {
	for _, b := range e.buf[e.cur:] {
		echoKey(b, out)
	}
	end := e.colAt(len(e.buf))
	for i := end; i < oldEnd; i++ {
		out(' ')
	}
	back(max(end, oldEnd)-e.colAt(e.cur), out)
}

// clear erases the whole line from the screen and the buffer.
func (e *lineEditor) clear(out func(byte)) {
	for _, b := range e.buf[e.cur:] {
		echoKey(b, out)
	}
	n := e.colAt(len(e.buf)) - e.startCol
	for i := 0; i < n; i++ {
		out(keyBS)
		out(' ')
		out(keyBS)
	}
	e.buf, e.cur = e.buf[:0], 0
}

// remove deletes the character at position i (the cursor is at i+1 for
// a backspace, at i for Delete) and shows the result.
func (e *lineEditor) remove(i int, out func(byte)) {
	if i < 0 || i >= len(e.buf) {
		return
	}
	oldEnd := e.colAt(len(e.buf))
	if i == len(e.buf)-1 && e.cur == len(e.buf) { // the common case: at the end
		w := oldEnd - e.colAt(i)
		for ; w > 0; w-- {
			out(keyBS)
			out(' ')
			out(keyBS)
		}
		e.buf, e.cur = e.buf[:i], i
		return
	}
	back(e.colAt(e.cur)-e.colAt(i), out)
	e.buf = append(e.buf[:i], e.buf[i+1:]...)
	e.cur = i
	e.redraw(oldEnd, out)
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
func (e *lineEditor) feed(k Key, out func(byte)) editResult {
	if e.max <= 0 {
		out(keyCR)
		return editDone
	}
	switch k {
	case KeyLeft:
		if e.cur > 0 {
			back(e.colAt(e.cur)-e.colAt(e.cur-1), out)
			e.cur--
		}
		return editMore
	case KeyRight:
		if e.cur < len(e.buf) {
			echoKey(e.buf[e.cur], out)
			e.cur++
		}
		return editMore
	case KeyHome:
		back(e.colAt(e.cur)-e.startCol, out)
		e.cur = 0
		return editMore
	case KeyEnd:
		for ; e.cur < len(e.buf); e.cur++ {
			echoKey(e.buf[e.cur], out)
		}
		return editMore
	case KeyDelete:
		e.remove(e.cur, out)
		return editMore
	case KeyEsc, KeyDown:
		e.clear(out)
		return editMore
	case KeyUp:
		e.clear(out)
		e.buf = append(e.buf, e.last[:min(len(e.last), e.max)]...)
		for _, b := range e.buf {
			echoKey(b, out)
		}
		e.cur = len(e.buf)
		if len(e.buf) >= e.max {
			return e.end(out)
		}
		return editMore
	}
	if k >= 0x100 {
		return editMore
	}
	b := byte(k) & 0x7F // the parity bit is not part of the character
	switch b {
	case keyCR, keyLF:
		return e.end(out)
	case keyBS, keyDEL:
		e.remove(e.cur-1, out)
		return editMore
	case keyCtrlX:
		e.clear(out)
		return editMore
	case keyCtrlU:
		e.newLine(out)
		e.buf, e.cur = e.buf[:0], 0
		return editMore
	case keyCtrlR:
		e.newLine(out)
		for _, c := range e.buf {
			echoKey(c, out)
		}
		e.cur = len(e.buf)
		return editMore
	case keyCtrlE:
		out(keyCR)
		out(keyLF)
		e.startCol -= e.colAt(len(e.buf)) // what follows starts the new screen line
		return editMore
	case keyCtrlP:
		return editMore
	case keyCtrlC:
		if len(e.buf) == 0 {
			return editAbort
		}
	case keyCtrlD:
		if len(e.buf) == 0 && e.ctrlDEnds {
			return editEnd
		}
	}
	if e.cur == len(e.buf) {
		e.buf = append(e.buf, b)
		e.cur++
		echoKey(b, out)
	} else {
		oldEnd := e.colAt(len(e.buf))
		e.buf = append(e.buf[:e.cur+1], e.buf[e.cur:]...)
		e.buf[e.cur] = b
		echoKey(b, out)
		e.cur++
		e.redraw(oldEnd, out)
	}
	if len(e.buf) >= e.max {
		return e.end(out)
	}
	return editMore
}

// end completes the line: CR echoed (CP/M does not echo LF), and the line
// kept for Up.
func (e *lineEditor) end(out func(byte)) editResult {
	out(keyCR)
	e.last = append(e.last[:0], e.buf...)
	return editDone
}

// echoKey shows a typed character: printable as itself, TAB as spaces (out
// expands it), other control characters as ^X.
func echoKey(k byte, out func(byte)) {
	switch {
	case k == keyTab || k >= 0x20:
		out(k)
	default:
		out('^')
		out(k + '@')
	}
}
