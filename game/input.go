package game

import (
	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
)

// Key repeat for the keys Ebiten reports as held rather than as typed
// characters (Enter, Backspace, control combinations): first repeat after
// half a second, then 15 per second, at 60 ticks per second. Typed
// characters already repeat through the system's own key repeat.
const (
	repeatDelay = 30
	repeatEvery = 4
)

func repeating(k ebiten.Key) bool {
	d := inpututil.KeyPressDuration(k)
	return d == 1 || (d >= repeatDelay && (d-repeatDelay)%repeatEvery == 0)
}

// consoleKeys maps the named keys a CP/M console understands to the bytes
// a terminal sends for them. CP/M's line editor takes ^H as backspace.
var consoleKeys = []struct {
	key ebiten.Key
	b   byte
}{
	{ebiten.KeyEnter, '\r'},
	{ebiten.KeyNumpadEnter, '\r'},
	{ebiten.KeyBackspace, 0x08},
	{ebiten.KeyTab, '\t'},
	{ebiten.KeyEscape, 0x1B},
	{ebiten.KeyDelete, 0x7F},
}

// letterKeys in alphabetical order: Ctrl+letter sends 1..26.
var letterKeys = []ebiten.Key{
	ebiten.KeyA, ebiten.KeyB, ebiten.KeyC, ebiten.KeyD, ebiten.KeyE, ebiten.KeyF,
	ebiten.KeyG, ebiten.KeyH, ebiten.KeyI, ebiten.KeyJ, ebiten.KeyK, ebiten.KeyL,
	ebiten.KeyM, ebiten.KeyN, ebiten.KeyO, ebiten.KeyP, ebiten.KeyQ, ebiten.KeyR,
	ebiten.KeyS, ebiten.KeyT, ebiten.KeyU, ebiten.KeyV, ebiten.KeyW, ebiten.KeyX,
	ebiten.KeyY, ebiten.KeyZ,
}

// keyboard collects this tick's console input. It reports paste separately
// (Ctrl+V, Shift+Insert) because the clipboard is read outside Ebiten.
func keyboard(buf []byte, runes []rune) (out []byte, paste bool, rs []rune) {
	ctrl := ebiten.IsKeyPressed(ebiten.KeyControl)
	alt := ebiten.IsKeyPressed(ebiten.KeyAlt)
	meta := ebiten.IsKeyPressed(ebiten.KeyMeta)
	shift := ebiten.IsKeyPressed(ebiten.KeyShift)

	// Browsers report the letter of Ctrl+C as typed text too; only plain
	// (or shifted) typing counts as characters.
	runes = ebiten.AppendInputChars(runes[:0])
	if !ctrl && !alt && !meta {
		for _, r := range runes {
			if r >= 0x20 && r < 0x7F {
				buf = append(buf, byte(r))
			}
		}
	}
	if alt {
		return buf, false, runes // Alt+Enter is the full-screen toggle
	}
	for _, k := range consoleKeys {
		if repeating(k.key) {
			if k.key == ebiten.KeyDelete && shift {
				continue
			}
			buf = append(buf, k.b)
		}
	}
	if (ctrl || meta) && inpututil.IsKeyJustPressed(ebiten.KeyV) {
		paste = true
	}
	if shift && inpututil.IsKeyJustPressed(ebiten.KeyInsert) {
		paste = true
	}
	if ctrl {
		for i, k := range letterKeys {
			if k != ebiten.KeyV && repeating(k) {
				buf = append(buf, byte(i+1))
			}
		}
	}
	return buf, paste, runes
}
