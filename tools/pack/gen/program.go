package gen

import (
	"fmt"
	"strings"

	"z80ulm/model"
	"z80ulm/tools/asm"
)

// Program extends the chat shell with program-specific behaviour without
// touching the engine. Each hook emits the body of a subroutine (ending in
// RET) that the shell calls in chat mode; command-tail mode runs no hooks.
//
// What a hook may use: the subroutines "print" (DE = '$'-terminated
// string), "printa" (A = 0..255 printed in decimal), "crlf"; the reply just
// printed at label "REPLY" with its length in byte "rlen". Registers are
// free; the stack is the shell's.
type Program interface {
	Name() string
	Check(m *model.Model) error // refuse a model the program cannot use
	Start(a *asm.Asm)           // once, when chat mode begins
	BeforeQuestion(a *asm.Asm)  // before every prompt
	AfterAnswer(a *asm.Asm)     // after every reply
	Data(a *asm.Asm)            // the program's strings and variables
}

// Chat is the plain shell: no banner, no game.
type Chat struct{}

func (Chat) Name() string              { return "chat" }
func (Chat) Check(*model.Model) error  { return nil }
func (Chat) Start(a *asm.Asm)          { a.I("ret") }
func (Chat) BeforeQuestion(a *asm.Asm) { a.I("ret") }
func (Chat) AfterAnswer(a *asm.Asm)    { a.I("ret") }
func (Chat) Data(a *asm.Asm)           {}

// Guess is the 20-questions game: a banner with the rules, a question
// counter, a message with the number of questions on the answer WIN, and
// after the last question without a WIN the secret is revealed; both start
// a new game.
type Guess struct {
	Secret    string // what the player must guess, e.g. "ELEPHANT"
	Questions int    // questions per game (default 20)
}

func (Guess) Name() string { return "guess" }

func (g Guess) questions() int {
	if g.Questions <= 0 {
		return 20
	}
	return g.Questions
}

// Check needs a WIN reply to be possible and a printable secret.
func (g Guess) Check(m *model.Model) error {
	if g.Secret == "" {
		return fmt.Errorf("the guess program needs a secret (model metadata \"secret\" or -secret)")
	}
	for i := 0; i < len(g.Secret); i++ {
		if c := g.Secret[i]; c < 0x20 || c > 0x7E || c == '$' {
			return fmt.Errorf("secret %q has a character the program cannot print (%q)", g.Secret, c)
		}
	}
	if len(g.Secret) > 60 {
		return fmt.Errorf("secret %q is longer than 60 characters", g.Secret)
	}
	if q := g.questions(); q > 255 {
		return fmt.Errorf("%d questions: 255 at most", q)
	}
	for _, c := range "WIN" {
		if !strings.ContainsRune(m.Charset, c) {
			return fmt.Errorf("the guess program needs the reply WIN but the charset %q lacks %q", m.Charset, c)
		}
	}
	return nil
}

func (g Guess) Start(a *asm.Asm) {
	a.I("ld de,g_banner", "rules")
	a.I("call print")
	a.Label("g_newgame")
	a.I("xor a")
	a.I("ld (g_asked),a", "no question asked yet")
	a.I("ret")
}

func (g Guess) BeforeQuestion(a *asm.Asm) { a.I("ret") }

func (g Guess) AfterAnswer(a *asm.Asm) {
	a.I("ld hl,g_asked")
	a.I("inc (hl)", "one more question")
	a.I("ld a,(rlen)")
	a.I("cp 3")
	a.I("jr nz,g_notwin")
	a.I("ld hl,REPLY")
	a.I("ld de,g_win")
	a.I("ld b,3")
	a.Label("g_cmp")
	a.I("ld a,(de)")
	a.I("cp (hl)")
	a.I("jr nz,g_notwin", "reply is not WIN")
	a.I("inc hl")
	a.I("inc de")
	a.I("djnz g_cmp")
	a.I("ld de,g_won1")
	a.I("call print")
	a.I("ld a,(g_asked)")
	a.I("call printa")
	a.I("ld de,g_won2")
	a.I("ld a,(g_asked)")
	a.I("dec a")
	a.I("jr nz,g_plural")
	a.I("ld de,g_won2s", "1 QUESTION, not QUESTIONS")
	a.Label("g_plural")
	a.I("call print")
	a.I("jr g_again")
	a.Label("g_notwin")
	a.I("ld a,(g_asked)")
	a.I(fmt.Sprintf("cp %d", g.questions()), "all questions used?")
	a.I("ret c")
	a.I("ld de,g_lost")
	a.I("call print")
	a.Label("g_again")
	a.I("ld de,g_new")
	a.I("call print")
	a.I("jp g_newgame")
}

func (g Guess) Data(a *asm.Asm) {
	str := func(label, s string) {
		a.Label(label)
		a.Bytes([]byte(s+"$"), fmt.Sprintf("%q", s))
	}
	q := g.questions()
	str("g_banner", fmt.Sprintf("\r\nI AM THINKING OF SOMETHING. ASK ME UP TO %d YES/NO\r\nQUESTIONS, THEN GUESS WHAT IT IS. TYPE ! TO QUIT.\r\n", q))
	a.Label("g_win")
	a.Bytes([]byte("WIN"))
	str("g_won1", "\r\nYOU GOT IT IN ")
	str("g_won2", " QUESTIONS!")
	str("g_won2s", " QUESTION!")
	str("g_lost", fmt.Sprintf("\r\nNO MORE QUESTIONS. IT WAS: %s.", strings.ToUpper(g.Secret)))
	str("g_new", "\r\nNEW GAME: ASK AWAY.\r\n")
	a.Label("g_asked")
	a.Bytes([]byte{0}, "questions asked in this game")
}
