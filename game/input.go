package game

import (
	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"z80ulm/game/keys"
)

// Key repeat for the keys Ebiten reports as held rather than as typed
// characters (Enter, Backspace, the arrows, control combinations): first
// repeat after half a second, then 15 per second, at 60 ticks per second.
// Typed characters already repeat through the system's own key repeat.
const (
	repeatDelay = 30
	repeatEvery = 4
)

func repeating(k ebiten.Key) bool {
	d := inpututil.KeyPressDuration(k)
	return d == 1 || (d >= repeatDelay && (d-repeatDelay)%repeatEvery == 0)
}

// namedKeys gives the window's keys the browser's names, so that one table
// (keys.FromBrowser) says what every key sends, on the desktop and in the
// browser alike.
var namedKeys = []struct {
	key  ebiten.Key
	name string
}{
	{ebiten.KeyEnter, "Enter"},
	{ebiten.KeyNumpadEnter, "Enter"},
	{ebiten.KeyBackspace, "Backspace"},
	{ebiten.KeyTab, "Tab"},
	{ebiten.KeyEscape, "Escape"},
	{ebiten.KeyDelete, "Delete"},
	{ebiten.KeyArrowLeft, "ArrowLeft"},
	{ebiten.KeyArrowRight, "ArrowRight"},
	{ebiten.KeyArrowUp, "ArrowUp"},
	{ebiten.KeyArrowDown, "ArrowDown"},
	{ebiten.KeyHome, "Home"},
	{ebiten.KeyEnd, "End"},
	{ebiten.KeyF2, "F2"},
	{ebiten.KeyF3, "F3"},
}

// letterKeys in alphabetical order, for Ctrl+letter.
var letterKeys = []ebiten.Key{
	ebiten.KeyA, ebiten.KeyB, ebiten.KeyC, ebiten.KeyD, ebiten.KeyE, ebiten.KeyF,
	ebiten.KeyG, ebiten.KeyH, ebiten.KeyI, ebiten.KeyJ, ebiten.KeyK, ebiten.KeyL,
	ebiten.KeyM, ebiten.KeyN, ebiten.KeyO, ebiten.KeyP, ebiten.KeyQ, ebiten.KeyR,
	ebiten.KeyS, ebiten.KeyT, ebiten.KeyU, ebiten.KeyV, ebiten.KeyW, ebiten.KeyX,
	ebiten.KeyY, ebiten.KeyZ,
}

// keyboard collects this tick's key presses. It reports paste separately
// (Ctrl+V, Shift+Insert) because the clipboard is read outside Ebiten.
func keyboard(ins []keys.Input, runes []rune) (out []keys.Input, paste bool, rs []rune) {
	ctrl := ebiten.IsKeyPressed(ebiten.KeyControl)
	alt := ebiten.IsKeyPressed(ebiten.KeyAlt)
	meta := ebiten.IsKeyPressed(ebiten.KeyMeta)
	shift := ebiten.IsKeyPressed(ebiten.KeyShift)

	// Some systems report the letter of Ctrl+C as typed text too; only
	// plain (or shifted) typing counts as characters.
	runes = ebiten.AppendInputChars(runes[:0])
	if !ctrl && !alt && !meta {
		for _, r := range runes {
			if in := keys.FromBrowser(string(r), false, false, false); !in.None() {
				ins = append(ins, in)
			}
		}
	}
	if alt || meta {
		return ins, false, runes // Alt+Enter is the full-screen toggle
	}
	for _, k := range namedKeys {
		in := keys.FromBrowser(k.name, false, false, false)
		// The front end's own keys act once per press.
		if in.Action != keys.NoAction && inpututil.IsKeyJustPressed(k.key) ||
			in.Action == keys.NoAction && repeating(k.key) && !(k.key == ebiten.KeyDelete && shift) {
			ins = append(ins, in)
		}
	}
	if ctrl && inpututil.IsKeyJustPressed(ebiten.KeyV) || shift && inpututil.IsKeyJustPressed(ebiten.KeyInsert) {
		paste = true
	}
	if ctrl {
		for i, k := range letterKeys {
			if repeating(k) {
				if in := keys.FromBrowser(string(rune('a'+i)), true, false, false); !in.None() {
					ins = append(ins, in)
				}
			}
		}
	}
	return ins, paste, runes
}
