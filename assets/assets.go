// Package assets carries drive A: of the shipped machine: the CP/M programs
// and GUESS's secrets, embedded into the browser and desktop builds, so that
// neither needs files at run time.
package assets

import "embed"

// Programs holds every top-level .COM and .MDL file of this directory
// (GUESS.COM, CHAT.COM, and one NAME.MDL per secret that GUESS plays); the
// front ends copy them onto drive A:.
//
//go:embed *.COM *.MDL
var Programs embed.FS
